using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Health;

/// <summary><c>GET /elevenlabs-conversation/ready</c> as the readiness tests ask it, and the app's clock as they move it.</summary>
internal static class Readiness
{
    public const string Path = "/elevenlabs-conversation/ready";

    /// <summary>
    /// One app started and stopped before a fixture's tests, between the fixture's own set-up and tear-down (its start
    /// runs readiness once, and so does one request), so the tests' time-outs measure the dependencies, not the first
    /// JIT of their clients on a busy machine.
    /// </summary>
    public static async Task WarmUpAsync(Func<Task> setUp, Func<Task<AppHost>> start, Func<Task> tearDown)
    {
        await setUp();
        try
        {
            await using var app = await start();
            _ = await GetAsync(app);
        }
        finally
        {
            await tearDown();
        }
    }

    /// <summary>The readiness answer, logged; with <paramref name="within"/> the test fails when none comes by then.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response, string Text)> GetAsync(AppHost app, TimeSpan? within = null)
    {
        using var deadline = within is { } bound ? new CancellationTokenSource(bound) : new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await app.Client.GetAsync(Path, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"no readiness answer within {within?.TotalSeconds} s");
            throw;
        }

        var text = await response.Content.ReadAsStringAsync();
        TestContext.Out.WriteLine($"GET {Path}: {(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms: {text}");
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response, text);
    }

    public static JsonObject Check(JsonObject body, string name) => body["checks"]![name]!.AsObject();
}

/// <summary>
/// The app's clock as a test moves it: self-hosted the fake one, moved at once; under the worker the real one, waited
/// on. The kept result is the start's run (done before the start returned), so it is fresh at most 15 s from here.
/// </summary>
internal sealed class AppClock(FakeTimeProvider? time)
{
    private static readonly TimeSpan ReadinessFreshFor = global::ElevenLabs.Functions.Health.ReadinessProbe.FreshFor;

    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private readonly DateTimeOffset _fakeStart = time?.GetUtcNow() ?? default;

    /// <summary>On the real clock, a machine too slow to ask inside the kept 15 s cannot show what the test checks: say so.</summary>
    public void StillInsideTheKeptResult()
    {
        if (time is null && _sinceStart.Elapsed >= ReadinessFreshFor - TimeSpan.FromSeconds(1))
        {
            Assert.Inconclusive($"the requests took {_sinceStart.Elapsed.TotalSeconds:F1} s, past the 15 s a readiness result is kept");
        }
    }

    /// <summary>Until <paramref name="sinceStart"/> (at least 15 s) after the start: the fake clock is moved there, the real one waited for (1 s more).</summary>
    public async Task PastTheKeptResultAsync(TimeSpan sinceStart)
    {
        if (time is not null)
        {
            time.Advance(sinceStart - (time.GetUtcNow() - _fakeStart));
            return;
        }

        var left = sinceStart + TimeSpan.FromSeconds(1) - _sinceStart.Elapsed;
        TestContext.Out.WriteLine($"waiting {left.TotalSeconds:F1} s on the real clock, past the kept result");
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }
}
