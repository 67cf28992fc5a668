using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Limits;

/// <summary>
/// A bucket per caller must not become memory per caller ever seen: 100,000 distinct callers (each its own forwarded
/// address, as behind the Azure front end) against the app as its own process, its resident memory read from /proc before,
/// during and after. The figures are printed; the assertion is the bound (growth under 50 MB), not a time.
/// </summary>
[TestFixture]
public sealed class RateLimitMemoryTests
{
    private const int Callers = 100_000;
    private const int WarmUpCallers = 20_000;
    private const int Concurrency = 32;

    [Test]
    public async Task AHundredThousandDistinctCallersGrowResidentMemoryByLessThanFiftyMegabytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Resident memory is read from /proc, which only Linux has.");
        }

        var port = AppOutput.FreePort();
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["Sessions__Store"] = "InMemory",
            ["RateLimit__TrustForwardedFor"] = "true", // the defaults otherwise: 10 and 120 a minute
            ["Logging__LogLevel__Default"] = "Warning",
        });
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        await app.WaitUntilServingAsync(client);

        await SendAsync(client, 0, WarmUpCallers); // JIT, pools and connections settle first
        var before = ResidentMegabytes(app.Process.Id);
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentMegabytes(app.Process.Id));
                await Task.Delay(250, CancellationToken.None);
            }
        });

        var clock = Stopwatch.StartNew();
        var unexpected = await SendAsync(client, WarmUpCallers, Callers);
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        var after = ResidentMegabytes(app.Process.Id);
        peak = Math.Max(peak, after);

        TestContext.Progress.WriteLine(
            $"RATE LIMIT MEMORY: {Callers:N0} distinct callers in {clock.Elapsed.TotalSeconds:F1} s ({Callers / clock.Elapsed.TotalSeconds:F0} req/s, " +
            $"{Concurrency} at once); app resident memory {before:F1} MiB before, {peak:F1} MiB peak, {after:F1} MiB after: " +
            $"growth {peak - before:F1} MiB at peak");
        Assert.That(unexpected, Is.Empty, app.Output);
        Assert.That(peak - before, Is.LessThan(50), "idle callers' buckets are dropped");
    }

    /// <summary>One <c>end_session</c> of an unknown id per caller (answered 404 after the limiter); returns any other answer.</summary>
    private static async Task<List<string>> SendAsync(HttpClient client, int first, int count)
    {
        var unexpected = new List<string>();
        var next = first - 1;
        var last = first + count - 1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= last)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation")
                {
                    Content = JsonContent.Create(new { action = "end_session", conversationId = "conv_nobody" }),
                };
                request.Headers.Add("X-Forwarded-For", $"100.{64 + (i >> 16)}.{(i >> 8) & 0xFF}.{i & 0xFF}");
                using var response = await client.SendAsync(request);
                if ((int)response.StatusCode != 404)
                {
                    var answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    lock (unexpected)
                    {
                        unexpected.Add(answer);
                    }
                }
            }
        }));
        return unexpected;
    }

    /// <summary>VmRSS of a process, in MiB.</summary>
    private static double ResidentMegabytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}
