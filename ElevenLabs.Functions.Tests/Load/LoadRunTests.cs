using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Load;

/// <summary>
/// Bounded load runs on loopback: interviews (create, re-issue, end) through the self-hosted app with Firestore
/// and ElevenLabs stand-ins. They assert only that every answer is right; the figures (throughput, latency
/// percentiles, memory) are printed for the record, never asserted, so a busy machine cannot make them flaky.
/// </summary>
[TestFixture]
public sealed class LoadRunTests : FirestoreAppFixture
{
    private const int Interviews = 300;
    private const int Concurrency = 20;

    [Test]
    public async Task ThreeHundredInterviewsAtTwentyAtOnceAllSucceed()
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes();

        var run = await RunInterviewsAsync(App.Client);

        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        TestContext.Progress.WriteLine($"LOAD RUN (in-process): {run}; test process working set {Environment.WorkingSet / 1024 / 1024} MiB, " +
            $"allocated {allocated / run.Requests / 1024} KiB per request (app, stand-ins and client together)");
        Assert.That(run.Failures, Is.Empty);
        Assert.That(run.Requests, Is.EqualTo(Interviews * 3));
    }

    [Test]
    public async Task TheAppAloneStaysWellUnderTheCloudFunctionsFiveHundredTwelveMegabytes()
    {
        var port = AppOutput.FreePort();
        var settings = Rig.Settings();
        var environment = settings.Where(s => s.Value is not null)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], environment);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 240 && !app.Process.HasExited; i++)
        {
            try
            {
                await client.GetAsync("/elevenlabs-conversation");
                break;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }

        var run = await RunInterviewsAsync(client);

        var (peak, now) = Memory(app.Process.Id);
        TestContext.Progress.WriteLine($"LOAD RUN (app process alone): {run}; app peak resident memory {peak} MiB, now {now} MiB");
        Assert.That(run.Failures, Is.Empty, app.Output);
        Assert.That(run.Requests, Is.EqualTo(Interviews * 3));
        Assert.That(peak, Is.LessThan(512), "Flex Consumption instances have 512 MB (infra/), as the Cloud Function had");
    }

    private sealed record Run(int Requests, TimeSpan Elapsed, List<double> Latencies, List<string> Failures)
    {
        private double Percentile(double p) => Latencies[(int)Math.Min(Latencies.Count - 1, Math.Ceiling(p * Latencies.Count) - 1)];

        public override string ToString() =>
            $"{Requests} requests ({Interviews} interviews, {Concurrency} at once) in {Elapsed.TotalSeconds:F1} s = " +
            $"{Requests / Elapsed.TotalSeconds:F0} req/s; latency p50 {Percentile(0.50):F1} ms, p95 {Percentile(0.95):F1} ms, " +
            $"p99 {Percentile(0.99):F1} ms, max {Latencies[^1]:F1} ms";
    }

    private static async Task<Run> RunInterviewsAsync(HttpClient client)
    {
        var latencies = new List<double>();
        var failures = new List<string>();
        using var gate = new SemaphoreSlim(Concurrency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Interviews).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var id = await TimedAsync(new { action = "create_session", userId = $"user{i}", metadata = new { jobTitle = "Engineer", round = i } });
                if (id is not null)
                {
                    await TimedAsync(new { action = "get_signed_url", conversationId = id });
                    await TimedAsync(new { action = "end_session", conversationId = id });
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        clock.Stop();
        latencies.Sort();
        return new Run(latencies.Count, clock.Elapsed, latencies, failures);

        async Task<string?> TimedAsync(object body)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await client.PostAsJsonAsync("/elevenlabs-conversation", body);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (latencies)
            {
                latencies.Add(elapsed);
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{(int)response.StatusCode} {answer.ToJsonString()}");
                }
            }

            return response.IsSuccessStatusCode ? answer["conversationId"]?.GetValue<string>() : null;
        }
    }

    /// <summary>Peak and current resident memory of a process, in MiB (VmHWM and VmRSS from /proc).</summary>
    private static (long Peak, long Now) Memory(int pid)
    {
        long Read(string key) => long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return (Read("VmHWM:"), Read("VmRSS:"));
    }
}
