using System.Reflection;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Infra;

/// <summary>
/// The Key Vault secret names live in two places: the app's settings (<c>KeyVault:*SecretName</c>, whose defaults the
/// deployment relies on) and the literals in <c>infra/</c> (the scripts that store the secrets, Bicep, the deploy's
/// messages) and <c>azure.yaml</c>. A rename on one side and not the other would deploy an app that reads a secret
/// nobody wrote; this fails first.
/// </summary>
[TestFixture]
public sealed partial class KeyVaultSecretNamesTests
{
    private static readonly string Root = AppOutput.RepositoryRoot;

    /// <summary>The secret names the app reads by default: every <c>KeyVault:*SecretName</c> setting's default.</summary>
    private static IReadOnlyDictionary<string, string> AppDefaults()
    {
        var defaults = new KeyVaultOptions();
        return typeof(KeyVaultOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name.EndsWith("SecretName", StringComparison.Ordinal) && p.PropertyType == typeof(string))
            .ToDictionary(p => p.Name, p => (string)p.GetValue(defaults)!);
    }

    private static IEnumerable<string> InfraFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".sh", StringComparison.Ordinal) || p.EndsWith(".bicep", StringComparison.Ordinal) || p.EndsWith(".json", StringComparison.Ordinal))
            .Append(Path.Combine(Root, "azure.yaml"));

    private static IEnumerable<string> Scripts() =>
        Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*.sh", SearchOption.AllDirectories);

    /// <summary>Secret names a script writes: <c>set_secret NAME</c>, or <c>az keyvault secret set ... --name NAME</c>.</summary>
    private static IReadOnlySet<string> Written() =>
        Scripts().SelectMany(File.ReadLines)
            .SelectMany(line => SetSecretWrite().Matches(line).Select(m => m.Groups[1].Value)
                .Concat(line.Contains("keyvault secret set", StringComparison.Ordinal) ? NameOption().Matches(line).Select(m => m.Groups[1].Value) : []))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Every secret name infra, azure.yaml or the app's own messages mention: in secret commands, and on lines that talk about Key Vault.</summary>
    private static IReadOnlyList<(string File, string Name)> Mentioned()
    {
        var appSources = Directory.EnumerateFiles(Path.Combine(Root, "ElevenLabs.Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.EndsWith("KeyVaultOptions.cs", StringComparison.Ordinal));
        return [.. InfraFiles().Concat(appSources).SelectMany(file => File.ReadLines(file)
            .Where(line => !(file.EndsWith(".sh", StringComparison.Ordinal) && line.TrimStart().StartsWith('#'))) // a script's comments
            .SelectMany(line =>
        {
            var names = SetSecretCall().Matches(line).Select(m => m.Groups[1].Value);
            if (line.Contains("keyvault secret", StringComparison.Ordinal))
            {
                names = names.Concat(NameOption().Matches(line).Select(m => m.Groups[1].Value));
            }

            if (line.Contains("Key Vault", StringComparison.OrdinalIgnoreCase) || line.Contains("keyvault", StringComparison.OrdinalIgnoreCase))
            {
                names = names.Concat(SecretLikeName().Matches(line).Select(m => m.Value));
            }

            return names.Distinct().Select(name => (Path.GetRelativePath(Root, file), name));
        }))];
    }

    [Test]
    public void TheAppHasItsSecretNames() =>
        Assert.That(AppDefaults().Values, Is.SupersetOf(new[] { "elevenlabs-api-key", "elevenlabs-webhook-secret", "firestore-service-account" }));

    [Test]
    public void EverySecretTheAppReadsIsWrittenByTheDeployment()
    {
        var written = Written();

        Assert.That(written, Is.Not.Empty);
        Assert.That(AppDefaults().Where(d => !written.Contains(d.Value)).Select(d => $"KeyVault:{d.Key} = {d.Value}"), Is.Empty,
            "secrets the app reads by default but no infra script stores (set_secret NAME or az keyvault secret set --name NAME)");
    }

    [Test]
    public void EverySecretNameInInfraIsOneTheAppReads()
    {
        var names = AppDefaults().Values.ToHashSet(StringComparer.Ordinal);
        var mentioned = Mentioned();

        Assert.That(mentioned, Is.Not.Empty);
        Assert.That(mentioned.Where(m => !names.Contains(m.Name)).Select(m => $"{m.File}: {m.Name}").Distinct(), Is.Empty,
            $"Key Vault secret names that are not the app's (KeyVault:*SecretName defaults: {string.Join(", ", names)})");
    }

    [Test]
    public void BicepSetsNoSecretNameOtherThanTheAppsDefault()
    {
        var defaults = AppDefaults();
        var overrides = InfraFiles().Where(f => f.EndsWith(".bicep", StringComparison.Ordinal))
            .SelectMany(f => BicepSecretNameSetting().Matches(File.ReadAllText(f)))
            .Select(m => (Setting: m.Groups[1].Value, Value: m.Groups[2].Value))
            .Where(o => !defaults.TryGetValue(o.Setting, out var name) || name != o.Value);

        Assert.That(overrides.Select(o => $"KeyVault__{o.Setting} = {o.Value}"), Is.Empty);
    }

    [GeneratedRegex(@"\b(?:set_secret|secret_exists)\s+([A-Za-z0-9-]+)\b")]
    private static partial Regex SetSecretCall();

    [GeneratedRegex(@"\bset_secret\s+([A-Za-z0-9-]+)\b")]
    private static partial Regex SetSecretWrite();

    [GeneratedRegex(@"--name\s+([A-Za-z0-9-]+)\b")]
    private static partial Regex NameOption();

    [GeneratedRegex(@"(?<![\w.$-])(?:elevenlabs|firestore)-[a-z0-9-]*[a-z0-9](?![\w.-])")]
    private static partial Regex SecretLikeName();

    [GeneratedRegex(@"name:\s*'KeyVault__(\w+SecretName)'\s*,\s*value:\s*'([^']*)'")]
    private static partial Regex BicepSecretNameSetting();
}
