using System.Diagnostics;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Load;

/// <summary>
/// A bounded load run on loopback: interviews (create, re-issue, end) through the self-hosted app with Firestore
/// and ElevenLabs stand-ins. It asserts only that every answer is right; the figures (throughput, latency
/// percentiles, memory) are printed for the record, never asserted, so a busy machine cannot make it flaky.
/// </summary>
[TestFixture]
public sealed class LoadRunTests : FirestoreAppFixture
{
    private const int Interviews = 300;
    private const int Concurrency = 20;

    [Test]
    public async Task ThreeHundredInterviewsAtTwentyAtOnceAllSucceed()
    {
        var latencies = new List<double>();
        var failures = new List<string>();
        using var gate = new SemaphoreSlim(Concurrency);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
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
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        latencies.Sort();
        double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
        TestContext.Progress.WriteLine(
            $"LOAD RUN: {latencies.Count} requests ({Interviews} interviews, {Concurrency} at once) in {clock.Elapsed.TotalSeconds:F1} s = " +
            $"{latencies.Count / clock.Elapsed.TotalSeconds:F0} req/s; latency p50 {Percentile(0.50):F1} ms, p95 {Percentile(0.95):F1} ms, " +
            $"p99 {Percentile(0.99):F1} ms, max {latencies[^1]:F1} ms; test process working set {Environment.WorkingSet / 1024 / 1024} MiB, " +
            $"allocated {allocated / latencies.Count / 1024} KiB per request (app, stand-ins and client together)");

        Assert.That(failures, Is.Empty);
        Assert.That(latencies, Has.Count.EqualTo(Interviews * 3));
        Assert.That(Rig.Firestore.Documents.Values.Count(d => d.Fields["status"]!["stringValue"]!.GetValue<string>() == "ended"),
            Is.GreaterThanOrEqualTo(Interviews));

        async Task<string?> TimedAsync(object body)
        {
            var started = Stopwatch.GetTimestamp();
            var (status, answer, _) = await App.PostAsync(body);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (latencies)
            {
                latencies.Add(elapsed);
                if (status != 200)
                {
                    failures.Add($"{status} {answer.ToJsonString()}");
                }
            }

            return status == 200 ? answer["conversationId"]?.GetValue<string>() : null;
        }
    }
}
