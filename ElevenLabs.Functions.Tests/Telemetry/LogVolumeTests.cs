using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Telemetry;

/// <summary>
/// At the default level a successful request writes at most two lines of its own: every line is a billed trace in
/// Application Insights, and request and dependency telemetry already carry what the framework's lines said.
/// </summary>
[TestFixture]
public sealed partial class LogVolumeTests
{
    [Test]
    public async Task ASuccessfulCreateSessionWritesAtMostTwoLogLines()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        var port = AppOutput.FreePort();
        var environment = Settings.For(elevenLabs).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], environment);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await app.WaitUntilServingAsync(client);
        await client.PostAsJsonAsync("/elevenlabs-conversation", new { action = "create_session", userId = "warm-up" });
        await WaitForAsync(app, "Created session");
        var before = LogEntries(app.Output).Count;

        var response = await client.PostAsJsonAsync("/elevenlabs-conversation", new { action = "create_session", userId = "user123" });
        await WaitForAsync(app, "Created session", occurrences: 2);
        await Task.Delay(TimeSpan.FromSeconds(1)); // let the console logger flush whatever else the request wrote

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        var written = LogEntries(app.Output).Skip(before).ToList();
        Assert.That(written, Has.Count.LessThanOrEqualTo(2), "lines written by one create_session:\n" + string.Join("\n", written));
        Assert.That(written, Has.Some.Contains("SessionService"), "the use case's own line");
    }

    /// <summary>The console logger's entries: each starts with its level, e.g. <c>info: Category[0]</c>.</summary>
    private static List<string> LogEntries(string output) =>
        [.. output.Split('\n').Where(line => LogEntry().IsMatch(line))];

    private static async Task WaitForAsync(AppProcess app, string text, int occurrences = 1)
    {
        for (var i = 0; i < 100 && Regex.Count(app.Output, Regex.Escape(text)) < occurrences; i++)
        {
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex LogEntry();
}
