using System.Diagnostics;
using System.Net.Http.Json;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>
/// A newcomer's first start, with no key configured: one warning line says what to set (no stack trace, which would
/// look like a crash), and the error answer's detail says the same.
/// </summary>
[TestFixture]
public sealed class FirstStartTests
{
    [Test]
    public async Task AMissingKeyIsOneWarningLineSayingWhatToSetWithoutAStackTrace()
    {
        var port = AppOutput.FreePort();
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string> { ["Sessions__Store"] = "InMemory" });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await app.WaitUntilServingAsync(client);

        using var ready = await client.GetAsync("/elevenlabs-conversation/ready"); // shares the start's own readiness run
        using var create = await client.PostAsJsonAsync("/elevenlabs-conversation", new { action = "create_session" });
        var answer = await AppHost.ReadAsync(create);
        using (var stop = Process.Start("kill", ["-TERM", app.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await stop.WaitForExitAsync();
        }

        await app.Process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        var lines = app.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var warnings = lines.Select((line, i) => (line, i)).Where(p => p.line.StartsWith("warn:", StringComparison.Ordinal))
            .Select(p => lines[p.i + 1].Trim()).ToList();
        var aboutTheKey = warnings.Where(w => w.Contains("API key", StringComparison.Ordinal)).ToList();
        Assert.That(aboutTheKey, Has.Count.EqualTo(1), app.Output);
        Assert.That(aboutTheKey[0], Does.Contain("ElevenLabs__ApiKey").And.Contain("KeyVault:Uri"));
        Assert.That(lines.Where(l => l.Contains("Exception:", StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+at \S+\(")),
            Is.Empty, "no stack trace:\n" + app.Output);

        Assert.That((int)ready.StatusCode, Is.EqualTo(503));
        Assert.That((int)create.StatusCode, Is.EqualTo(500));
        Assert.That(answer["code"]!.GetValue<string>(), Is.EqualTo("api_key_not_configured"));
        Assert.That(answer["detail"]!.GetValue<string>(), Does.Contain("ElevenLabs__ApiKey").And.Contain("KeyVault:Uri"));
    }
}
