using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Telemetry;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Infra;

/// <summary>The workbook's and the alerts' queries use exactly the names the code emits; a rename on either side fails here.</summary>
[TestFixture]
public sealed partial class WorkbookConsistencyTests
{
    private static readonly string Infra = Path.Combine(AppOutput.RepositoryRoot, "infra");

    private static IReadOnlyList<string> WorkbookQueries() =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(Infra, "workbook.json")))!["items"]!.AsArray()
            .Select(i => i!["content"]?["query"]?.GetValue<string>()).OfType<string>()];

    private static IReadOnlyList<string> AllQueries() =>
        [.. WorkbookQueries(), .. Directory.EnumerateFiles(Path.Combine(Infra, "alerts"), "*.kql").Select(File.ReadAllText)];

    private static IEnumerable<string> Names(string table) =>
        AllQueries().Where(q => q.TrimStart().StartsWith(table, StringComparison.Ordinal))
            .SelectMany(q => NameFilter().Matches(q).SelectMany(m => Quoted().Matches(m.Value).Select(v => v.Groups[1].Value)))
            .Distinct();

    [Test]
    public void EveryEventTheQueriesCountIsOneTheCodeEmits() =>
        Assert.That(Names("customEvents"), Is.SubsetOf(TelemetryNames.Events.All).And.Not.Empty);

    [Test]
    public void EveryEventTheCodeEmitsIsOnTheWorkbook()
    {
        var charted = WorkbookQueries().Where(q => q.StartsWith("customEvents", StringComparison.Ordinal))
            .SelectMany(q => Quoted().Matches(q).Select(m => m.Groups[1].Value));

        Assert.That(TelemetryNames.Events.All, Is.SubsetOf(charted));
    }

    [Test]
    public void EveryPropertyTheQueriesReadIsOneTheCodeEmits()
    {
        var used = AllQueries().SelectMany(q => Dimension().Matches(q).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.That(used, Is.Not.Empty);
        Assert.That(used, Is.SubsetOf(TelemetryNames.Properties.All));
    }

    [Test]
    public void TheMetricsTheQueriesReadAreTheOnesTheCodeEmits() =>
        Assert.That(Names("customMetrics"), Is.EquivalentTo(TelemetryNames.Metrics.All));

    [Test]
    public void TheRequestNameIsTheFunctionsName() =>
        Assert.That(Names("requests"), Is.EquivalentTo(new[] { ConversationEndpoint.Route }));

    [GeneratedRegex(@"\bname\s*(?:==\s*""[^""]+""|in\s*\([^)]*\))")]
    private static partial Regex NameFilter();

    [GeneratedRegex(@"""([^""]+)""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"customDimensions\.(\w+)")]
    private static partial Regex Dimension();
}
