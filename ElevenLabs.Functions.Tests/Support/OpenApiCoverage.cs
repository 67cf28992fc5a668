using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests;

/// <summary>
/// At the end of the run, prints how many answers were checked against the OpenAPI document and which documented error
/// codes no test received over HTTP (those are checked only through the error mapping's own test).
/// </summary>
[SetUpFixture]
public sealed class OpenApiCoverage
{
    [OneTimeTearDown]
    public void Report()
    {
        var seen = OpenApiContract.App.Seen;
        if (seen.Count == 0)
        {
            return; // a filtered run that made no HTTP call
        }

        var documented = OpenApiContract.App.Node["components"]!["schemas"]!["ErrorCode"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>());
        var received = seen.Select(s => s.Code).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var missing = documented.Where(c => !received.Contains(c)).ToList();
        var undocumented = received.Except(documented).ToList();
        TestContext.Progress.WriteLine(
            $"OpenAPI: {seen.Count} answers checked against ElevenLabs.Functions/OpenApi/openapi.json; "
            + $"{received.Count} error codes received over HTTP; documented but never received: {(missing.Count == 0 ? "none" : string.Join(", ", missing))}"
            + (undocumented.Count == 0 ? "." : $"; received but not in ErrorCode: {string.Join(", ", undocumented)}."));
    }
}
