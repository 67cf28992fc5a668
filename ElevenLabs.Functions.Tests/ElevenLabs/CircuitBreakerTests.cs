using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.ElevenLabs;

/// <summary>
/// The circuit breaker of the ElevenLabs pipeline, over HTTP: while ElevenLabs fails, creates are answered 502 and
/// then 503 <c>elevenlabs_unavailable</c> with the break as <c>Retry-After</c>, never 500; once the break is over, a
/// recovered ElevenLabs serves creates again. Time is fake, so the break ends when the test says.
/// </summary>
[TestFixture]
public sealed class CircuitBreakerTests : AppFixture
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 30, 0, TimeSpan.Zero));

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings => [("ElevenLabs:RetryBaseDelay", "00:00:00")];

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(_time);

    private IReadOnlyList<Session> Sessions => ((InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>()).Snapshot();

    /// <summary>Each test starts with a closed circuit and an empty sampling window: a minute later than the last.</summary>
    [SetUp]
    public void LetTheLastTestsCallsAgeOut() => _time.Advance(TimeSpan.FromMinutes(1));

    [Test]
    public async Task AnOutageOpensTheCircuitAsA503WithRetryAfterAndRecoveryClosesIt()
    {
        var before = Sessions.Count;
        ElevenLabsApi.Answers(500, """{"detail":"Internal Server Error"}""");
        var answers = new List<(int Status, string? Code, TimeSpan? RetryAfter)>();
        for (var i = 0; i < 48 && answers.All(a => a.Status != 503); i++)
        {
            var (status, body, response) = await App.PostAsync(new { action = "create_session", userId = $"u{i}" });
            answers.Add((status, body["code"]?.GetValue<string>(), response.Headers.RetryAfter?.Delta));
        }

        var callsWhenOpen = ElevenLabsApi.SignedUrlRequests.Count;
        var (openStatus, openBody, openResponse) = await App.PostAsync(new { action = "create_session" });

        Assert.That(answers.Select(a => a.Status), Has.None.EqualTo(500), string.Join(", ", answers));
        Assert.That(answers.SkipLast(1).Select(a => a.Code), Has.All.EqualTo("elevenlabs_error"), "502 while the circuit is closed");
        Assert.That(answers[^1], Is.EqualTo((503, "elevenlabs_unavailable", (TimeSpan?)TimeSpan.FromSeconds(5))), "then 503 for the break");
        Assert.That(openStatus, Is.EqualTo(503));
        ContractTests.AssertError(openBody, "elevenlabs_unavailable");
        Assert.That(openResponse.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(callsWhenOpen), "an open circuit does not call ElevenLabs");

        ElevenLabsApi.Reset(); // ElevenLabs recovers
        var (duringBreak, _, _) = await App.PostAsync(new { action = "create_session" });
        _time.Advance(TimeSpan.FromSeconds(5));
        var (afterBreak, recovered, _) = await App.PostAsync(new { action = "create_session", userId = "back" });
        var (next, _, _) = await App.PostAsync(new { action = "create_session" });

        Assert.That(duringBreak, Is.EqualTo(503), "the break lasts its 5 s even when ElevenLabs is back");
        Assert.That(afterBreak, Is.EqualTo(200), recovered.ToJsonString());
        Assert.That(next, Is.EqualTo(200), "the circuit is closed again");
        Assert.That(Sessions.Skip(before).Select(s => s.UserId), Is.EqualTo(new[] { "back", null }), "only the creates that succeeded stored a session");
    }

    [Test]
    public async Task ARateLimitingElevenLabsNeverOpensTheCircuit()
    {
        ElevenLabsApi.Answers(429, """{"detail":{"status":"too_many_concurrent_requests","message":"Too many concurrent requests"}}""", retryAfter: "7");
        var answers = new List<(int Status, string? Code, TimeSpan? RetryAfter)>();
        for (var i = 0; i < 40; i++)
        {
            var (status, body, response) = await App.PostAsync(new { action = "create_session" });
            answers.Add((status, body["code"]?.GetValue<string>(), response.Headers.RetryAfter?.Delta));
        }

        ElevenLabsApi.Reset();
        var (recovered, body2, _) = await App.PostAsync(new { action = "create_session" });

        Assert.That(answers, Has.All.EqualTo((503, "elevenlabs_busy", (TimeSpan?)TimeSpan.FromSeconds(7))),
            "ElevenLabs' own Retry-After each time: 429 says it is up and busy, not down");
        Assert.That(recovered, Is.EqualTo(200), body2.ToJsonString());
    }

    [Test]
    public async Task AFewFailuresDoNotOpenTheCircuit()
    {
        ElevenLabsApi.Answers(500, """{"detail":"Internal Server Error"}""");
        var failed = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            failed.Add((await App.PostAsync(new { action = "create_session" })).Status);
        }

        ElevenLabsApi.Reset();
        var (status, body, _) = await App.PostAsync(new { action = "create_session" });

        Assert.That(failed, Has.All.EqualTo(502));
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
    }
}
