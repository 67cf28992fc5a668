using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.ElevenLabs;

/// <summary>
/// The concurrency limiter of the ElevenLabs pipeline, over HTTP: with as many calls in flight as allowed (here 4,
/// held by a slow ElevenLabs), one more create is answered 503 <c>elevenlabs_busy</c> with <c>Retry-After</c> at
/// once, never 500, and the calls in flight still succeed.
/// </summary>
[TestFixture]
public sealed class ConcurrencyLimitTests : AppFixture
{
    private const int Limit = 4;

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings => [("ElevenLabs:MaxConcurrentCalls", "4")];

    [Test]
    public async Task CreatesOverTheLimitAreBusyWithRetryAfterAndTheOthersSucceed()
    {
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        ElevenLabsApi.HoldsThenAnswers(async () =>
        {
            Interlocked.Increment(ref held);
            return await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
        });
        var inFlight = Enumerable.Range(0, Limit).Select(i => App.PostAsync(new { action = "create_session", userId = $"held{i}" })).ToList();
        for (var i = 0; i < 600 && Volatile.Read(ref held) < Limit; i++)
        {
            await Task.Delay(50);
        }

        Assert.That(Volatile.Read(ref held), Is.EqualTo(Limit), "the first creates reached ElevenLabs");
        (int Status, System.Text.Json.Nodes.JsonObject Body, HttpResponseMessage Response)[] over;
        try
        {
            over = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => App.PostAsync(new { action = "create_session" })));
        }
        finally
        {
            release.SetResult(true);
        }

        var served = await Task.WhenAll(inFlight);

        Assert.That(over.Select(a => a.Status), Has.All.EqualTo(503), string.Join("\n", over.Select(a => a.Body.ToJsonString())));
        foreach (var (_, body, response) in over)
        {
            ContractTests.AssertError(body, "elevenlabs_busy");
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        }

        Assert.That(served.Select(a => a.Status), Has.All.EqualTo(200));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(Limit), "the creates over the limit never called ElevenLabs");
    }
}
