using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Webhooks;

/// <summary>
/// A 40 MB <c>post_call_audio</c> event against the app as its own process: verified and answered while the app's
/// resident memory grows by far less than the body (it is streamed through the HMAC and spooled to a file).
/// </summary>
[TestFixture]
public sealed class LargeWebhookTests
{
    private const long FortyMegabytes = 40_000_000;

    [Test]
    public async Task AFortyMegabyteAudioEventIsVerifiedAndAnsweredWithoutBeingHeldInMemory()
    {
        var secret = WebhookSigner.NewSecret();
        var port = AppOutput.FreePort();
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["ElevenLabs__WebhookSecret"] = secret,
            ["Sessions__Store"] = "InMemory",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        await app.WaitUntilServingAsync(client);
        var (warm, _) = await DeliverAsync(client, secret, 4_000_000); // the same path (spooled to a file), compiled and warm
        Assert.That(warm, Is.EqualTo(200), app.Output);

        var before = Memory(app.Process.Id, "VmRSS:");
        var peakReset = TryResetPeak(app.Process.Id);
        var (status, body) = await DeliverAsync(client, secret, FortyMegabytes);
        var peak = Memory(app.Process.Id, "VmHWM:");

        var growth = peak - before;
        TestContext.Progress.WriteLine($"WEBHOOK 40 MB audio event: app resident memory {before / 1024} MiB before, peak {peak / 1024} MiB during " +
            $"(growth {growth / 1024} MiB; peak {(peakReset ? "reset before the request" : "since start: /proc clear_refs was refused")})");
        Assert.That(status, Is.EqualTo(200), body.ToJsonString() + app.Output);
        Assert.That(body["type"]!.GetValue<string>(), Is.EqualTo("post_call_audio"));
        Assert.That(growth, Is.LessThan(20 * 1024), "KiB: the 40 MB body must not be held in memory");
    }

    private static async Task<(int Status, JsonObject Body)> DeliverAsync(HttpClient client, string secret, long size)
    {
        var id = "conv_" + Guid.NewGuid().ToString("N");
        var signature = await WebhookSigner.HeaderAsync(secret, DateTimeOffset.UtcNow, new AudioEventStream(id, size));
        var stream = new AudioEventStream(id, size);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new StreamContent(stream, 64 * 1024) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentLength = stream.Length;
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, signature);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await AppHost.ReadAsync(response));
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) so that it measures this request only.</summary>
    private static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A line of /proc/{pid}/status, in KiB.</summary>
    private static long Memory(int pid, string key) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
