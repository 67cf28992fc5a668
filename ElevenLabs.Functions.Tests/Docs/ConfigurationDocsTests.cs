using System.ComponentModel;
using System.Reflection;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Tests.Docs;

/// <summary>
/// docs/configuration.md cannot drift from the code: every setting the options classes bind (each class with a
/// <c>public const string Section</c>, nested sections included) has a row on the page, and every setting the page
/// names exists. Reads the classes, so a setting added or removed in code fails here until the page follows.
/// </summary>
[TestFixture]
public sealed partial class ConfigurationDocsTests
{
    private static readonly string PagePath = Path.Combine(AppOutput.RepositoryRoot, "docs", "configuration.md");

    private static readonly string Page = File.ReadAllText(PagePath).ReplaceLineEndings("\n");

    /// <summary>Every <c>Section:Property</c> (and <c>Section:Nested:Property</c>) the configuration binder fills, from the options classes.</summary>
    internal static IReadOnlySet<string> SettingsInCode() =>
        OptionsClasses().SelectMany(c => Settings(c.Section, c.Type, depth: 0)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    internal static IReadOnlyList<(string Section, Type Type)> OptionsClasses() =>
        [.. typeof(Program).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } f && f.FieldType == typeof(string))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type))];

    [Test]
    public void TheOptionsClassesAreFound()
    {
        // Guards the reflection above: if it found nothing, the tests below would pass vacuously.
        var sections = OptionsClasses().Select(c => c.Section).ToList();

        Assert.That(sections, Is.SupersetOf(new[] { "ElevenLabs", "KeyVault", "Firestore", "Auth", "Sessions" }));
        Assert.That(SettingsInCode(), Does.Contain("Auth:Firebase:ProjectId"), "nested options count too");
    }

    [Test]
    public void EverySettingInTheCodeHasARowOnThePage()
    {
        var documented = DocumentedNames().Select(Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var missing = SettingsInCode().Where(s => !documented.Contains(s)).Order(StringComparer.Ordinal).ToList();

        Assert.That(missing, Is.Empty,
            $"settings the options classes bind but docs/configuration.md has no row for (add a row to its table, the name in backticks in the first cell): {string.Join(", ", missing)}");
    }

    [Test]
    public void EverySettingThePageNamesExistsInTheCode()
    {
        var settings = SettingsInCode();
        var sections = OptionsClasses().Select(c => c.Section).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Any name on the page in a section the code has (Section:Key or Section__Key, in tables or prose) must be a
        // setting, or a group of nested settings (Firestore:WorkloadIdentity).
        var unknown = Backticked(Page).SelectMany(span => SettingName().Matches(span).Select(m => Normalize(m.Value)))
            .Where(name => sections.Contains(name.Split(':')[0]))
            .Where(name => !settings.Contains(name) && !settings.Any(s => s.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();

        Assert.That(unknown, Is.Empty, $"docs/configuration.md names settings the options classes do not have: {string.Join(", ", unknown)}");
    }

    [Test]
    public void EveryOtherSettingInTheTableIsOneTheAppReads()
    {
        // Rows outside the options sections (APPLICATIONINSIGHTS_CONNECTION_STRING, DEBUG, ApplicationInsights:LiveMetrics, ...)
        // name something the app's code spells out: as a string literal, or in a <c>...</c> of its documentation.
        var sections = OptionsClasses().Select(c => c.Section).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var source = string.Join("\n", Directory.EnumerateFiles(Path.Combine(AppOutput.RepositoryRoot, "ElevenLabs.Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));

        var others = DocumentedNames().Where(n => !sections.Contains(Normalize(n).Split(':')[0])).ToList();
        var unread = others.Where(n => !source.Contains($"\"{n}\"", StringComparison.Ordinal) && !source.Contains($"<c>{n}</c>", StringComparison.Ordinal)).ToList();

        Assert.That(others, Is.Not.Empty);
        Assert.That(unread, Is.Empty, $"docs/configuration.md has rows for settings the app's code never names: {string.Join(", ", unread)}");
    }

    /// <summary>The names in backticks in the first cell of each table row (a cell may hold several: <c>`A` / `B`</c>).</summary>
    private static IReadOnlyList<string> DocumentedNames() =>
        [.. Page.Split('\n')
            .Where(line => line.StartsWith('|') && !Separator().IsMatch(line))
            .Select(line => line.Split('|')[1])
            .SelectMany(Backticked)
            .Select(name => name.Trim())];

    private static IEnumerable<string> Backticked(string text) => Code().Matches(text).Select(m => m.Groups[1].Value);

    private static string Normalize(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>What the configuration binder would bind under <paramref name="prefix"/> for <paramref name="type"/>.</summary>
    private static IEnumerable<string> Settings(string prefix, Type type, int depth)
    {
        if (depth > 5)
        {
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true } || property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue; // computed (Enabled, Origins, ...): not a setting
            }

            var key = prefix + ":" + (property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name);
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(valueType))
            {
                yield return key;
            }
            else
            {
                foreach (var nested in Settings(key, valueType, depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>The binder's rule: a value it converts from a string (or a collection of them) is one setting; any other class is a nested section.</summary>
    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string))
        || (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type));

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"^\|\s*:?-+")]
    private static partial Regex Separator();

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]*(?:(?::|__)[A-Za-z][A-Za-z0-9]*)+")]
    private static partial Regex SettingName();
}
