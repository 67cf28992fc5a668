using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Firestore;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Sweep;

/// <summary>
/// The sweep of idle sessions, run on a fake clock against the Firestore and ElevenLabs stand-ins; sessions are made
/// and ended over HTTP as clients do. Each test has its own app and stand-ins, so one test's sessions never idle into another's run.
/// </summary>
[TestFixture]
public sealed class SessionSweeperTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan PastMaxIdle = TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1);

    private FirestoreRig _rig = null!;
    private FakeTimeProvider _time = null!;
    private InMemoryTelemetryChannel _telemetry = null!;
    private AppHost _app = null!;

    private ISessionStore Store => _app.Services.GetRequiredService<ISessionStore>();
    private SessionSweeper Sweeper => _app.Services.GetRequiredService<SessionSweeper>();

    [SetUp]
    public async Task StartAsync()
    {
        _rig = await FirestoreRig.StartAsync();
        _rig.ElevenLabs.IssueFreshConversationIds();
        _time = new FakeTimeProvider(Start);
        _telemetry = new InMemoryTelemetryChannel();
        // The sweep is run by each test (the self-hosted timer is off). The resilience pipeline's back-off runs on
        // the app's clock, which only the test moves: no retries here, so a failure is final at once.
        _app = await AppHost.StartAsync(
            _rig.Settings(("Sessions:SweepInterval", "00:00:00"), ("ElevenLabs:MaxRetries", "0"),
                ("APPLICATIONINSIGHTS_CONNECTION_STRING", InMemoryTelemetryChannel.ConnectionString)),
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddSingleton<ITelemetryChannel>(_telemetry);
            });
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        await _rig.DisposeAsync();
    }

    [TestCase("done")]
    [TestCase("failed")]
    public async Task ASessionWhoseCallFinishedIsEndedByTheSweeperWithTheCallsSummary(string callStatus)
    {
        var (id, elevenLabsId) = await CreateSessionAsync();
        var startedAt = Start.AddMinutes(1);
        _rig.ElevenLabs.Conversation(elevenLabsId, callStatus, startedAt, durationSecs: 754, callSuccessful: "failure",
            summary: "The candidate left after the first question.", terminationReason: "Client disconnected");
        _time.Advance(PastMaxIdle);
        var now = _time.GetUtcNow();

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.Ended) }));
        var session = (await Store.GetAsync(id))!.Session;
        Assert.That(session.Status, Is.EqualTo(SessionStatus.Ended));
        Assert.That(session.EndedBy, Is.EqualTo(SessionEndedBy.Sweeper));
        Assert.That(session.EndedAt, Is.EqualTo(now));
        Assert.That(session.UpdatedAt, Is.EqualTo(now));
        Assert.That(session.LastCall, Is.EqualTo(new CallSummary
        {
            ElevenLabsConversationId = elevenLabsId,
            Status = callStatus,
            CallDurationSecs = 754,
            CallSuccessful = "failure",
            TranscriptSummary = "The candidate left after the first question.",
            TerminationReason = "Client disconnected",
            StartedAt = startedAt,
        }));
        var document = _rig.Firestore.Document("replit-4f946", "conversation-sessions", id)!;
        Assert.That(document["endedBy"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("sweeper"));
        Assert.That(document["lastCall"]!["mapValue"]!["fields"]!["callDurationSecs"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("754"));

        var (status, body, _) = await _app.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(status, Is.EqualTo(409));
        Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo("session_ended"));
        var ended = Events("SessionEnded").Single();
        Assert.That(ended.Properties["Action"], Is.EqualTo("sweep"));
        Assert.That(ended.Properties["ConversationId"], Is.EqualTo(id));
    }

    [TestCase("initiated")]
    [TestCase("in-progress")]
    [TestCase("processing")]
    public async Task ASessionWhoseCallIsStillRunningAndYoungerThanADayIsLeftAlone(string callStatus)
    {
        var (id, elevenLabsId) = await CreateSessionAsync();
        _rig.ElevenLabs.Conversation(elevenLabsId, callStatus, Start.AddMinutes(5));
        _time.Advance(PastMaxIdle);
        var before = (await Store.GetAsync(id))!;
        var writes = Writes();

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.LeftAlone) }));
        Assert.That(Writes(), Is.EqualTo(writes), "nothing written");
        Assert.That((await Store.GetAsync(id))!.Version, Is.EqualTo(before.Version));
        var (status, _, _) = await _app.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(status, Is.EqualTo(200), "the session is still usable");
    }

    [Test]
    public async Task ACallStillRunningAfterADayExpiresTheSession()
    {
        var (id, elevenLabsId) = await CreateSessionAsync();
        _rig.ElevenLabs.Conversation(elevenLabsId, "in-progress", Start.AddMinutes(1));
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(2));

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.Expired) }));
        var session = (await Store.GetAsync(id))!.Session;
        Assert.That(session.Status, Is.EqualTo(SessionStatus.Expired));
        Assert.That(session.LastCall?.Status, Is.EqualTo("in-progress"));
        Assert.That(session.EndedBy, Is.Null);
        Assert.That(Events("SessionExpired").Single().Properties["Reason"], Is.EqualTo("call_running_too_long"));
    }

    [Test]
    public async Task ASessionWithNoCallExpiresAndCanNoLongerBeUsed()
    {
        _rig.ElevenLabs.Answers(200, """{"signed_url":"wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent&token=t"}""");
        var (_, created, _) = await _app.PostAsync(new { action = "create_session", userId = "user123" });
        var id = created["conversationId"]!.GetValue<string>();
        _time.Advance(PastMaxIdle);

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.Expired) }));
        Assert.That(_rig.ElevenLabs.ConversationRequests, Is.Empty, "no call to ask ElevenLabs about");
        var session = (await Store.GetAsync(id))!.Session;
        Assert.That(session.Status, Is.EqualTo(SessionStatus.Expired));
        Assert.That(session.EndedAt, Is.Null);
        Assert.That(session.LastCall, Is.Null);
        var (status, body, _) = await _app.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(status, Is.EqualTo(409));
        Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo("session_not_active"));
        var expired = Events("SessionExpired").Single();
        Assert.That(expired.Properties["Reason"], Is.EqualTo("no_call"));
        Assert.That(expired.Properties["Action"], Is.EqualTo("sweep"));
        Assert.That(expired.Properties["ConversationId"], Is.EqualTo(id));
    }

    [Test]
    public async Task ASessionWhoseCallElevenLabsDoesNotKnowExpires()
    {
        var (id, _) = await CreateSessionAsync();
        _time.Advance(PastMaxIdle);

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.Expired) }));
        Assert.That(_rig.ElevenLabs.ConversationRequests, Has.Count.EqualTo(2), "the idle sweep, then the reconcile pass for the pending call");
        Assert.That(result.Calls, Is.EqualTo(new[] { (id, _rig.ElevenLabs.ConversationRequests[0].RequestMessage.Path[ElevenLabsStandIn.ConversationsPath.Length..], ReconcileOutcome.NotFinished) }));
        Assert.That((await Store.GetAsync(id))!.Session.Status, Is.EqualTo(SessionStatus.Expired));
        Assert.That(Events("SessionExpired").Single().Properties["Reason"], Is.EqualTo("call_not_found"));
    }

    [Test]
    public async Task TheSweepAsksAboutTheSessionsLatestCall()
    {
        var (id, first) = await CreateSessionAsync();
        await _app.PostAsync(new { action = "get_signed_url", conversationId = id });
        var latest = (await Store.GetAsync(id))!.Session.ElevenLabsConversationIds[^1];
        _rig.ElevenLabs.Conversation(first, "done", Start);
        _rig.ElevenLabs.Conversation(latest, "in-progress", Start.AddMinutes(30));
        _time.Advance(PastMaxIdle);

        var result = await Sweeper.RunAsync();

        Assert.That(latest, Is.Not.EqualTo(first));
        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.LeftAlone) }));
        Assert.That(_rig.ElevenLabs.ConversationRequests[0].RequestMessage.Path, Is.EqualTo(ElevenLabsStandIn.ConversationsPath + latest), "the idle sweep asks about the latest");
        Assert.That(result.Calls, Is.EqualTo(new[] { (id, first, ReconcileOutcome.Recovered), (id, latest, ReconcileOutcome.NotFinished) }),
            "the reconcile pass asks about every pending call and records the finished one");
    }

    [Test]
    public async Task AClientEndingTheSessionWhileTheSweepLooksAtItWins()
    {
        var (id, elevenLabsId) = await CreateSessionAsync();
        using var asked = new SemaphoreSlim(0);
        using var answer = new SemaphoreSlim(0);
        _rig.ElevenLabs.Conversation(elevenLabsId, "done", Start, hold: () =>
        {
            asked.Release();
            return answer.Wait(TimeSpan.FromSeconds(30));
        });
        _time.Advance(PastMaxIdle);

        var run = Sweeper.RunAsync();
        Assert.That(await asked.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "the sweep asks ElevenLabs about the call");
        var (status, ended, _) = await _app.PostAsync(new { action = "end_session", conversationId = id });
        answer.Release();
        var result = await run;

        Assert.That(status, Is.EqualTo(200));
        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.ChangedMeanwhile) }));
        var session = (await Store.GetAsync(id))!.Session;
        Assert.That(session.Status, Is.EqualTo(SessionStatus.Ended));
        Assert.That(session.EndedBy, Is.EqualTo(SessionEndedBy.Client), "the client's end stands");
        Assert.That(session.EndedAt, Is.EqualTo(DateTimeOffset.Parse(ended["data"]!["endedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(session.LastCall, Is.Null, "the sweep wrote nothing");
        Assert.That(Events("SessionEnded").Select(e => e.Properties["Action"]), Is.EqualTo(new[] { "end_session" }));
    }

    [Test]
    public async Task WhenElevenLabsFailsTheSessionIsLeftForTheNextRun()
    {
        var (id, _) = await CreateSessionAsync();
        _rig.ElevenLabs.ConversationsAnswer(500, """{"detail":"Internal Server Error"}""");
        _time.Advance(PastMaxIdle);

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.LeftAlone) }));
        Assert.That((await Store.GetAsync(id))!.Session.Status, Is.EqualTo(SessionStatus.Active));
        Assert.That(_app.LogMessages(LogLevel.Warning), Has.Some.Contains(id).And.Contains("next sweep"));
    }

    [Test]
    public async Task AnAnswerWithoutAStatusLeavesTheSessionAlone()
    {
        var (id, _) = await CreateSessionAsync();
        _rig.ElevenLabs.ConversationsAnswer(200, """{"conversation_id":"x","transcript":[]}""");
        _time.Advance(PastMaxIdle);

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.EqualTo(new[] { (id, SweepOutcome.LeftAlone) }));
        Assert.That((await Store.GetAsync(id))!.Session.Status, Is.EqualTo(SessionStatus.Active));
    }

    [Test]
    public async Task ARunTakesAtMost200IdleSessionsTheOldestFirst()
    {
        // 201 idle sessions written in shuffled order, each idle for a different time.
        var byAge = Enumerable.Range(0, 201).Select(i => (Id: ConversationId.NewId(), UpdatedAt: Start.AddHours(-3).AddMinutes(-i))).ToList();
        foreach (var (id, updatedAt) in byAge.OrderBy(_ => Random.Shared.Next()))
        {
            await Store.CreateAsync(SampleSession.Create() with { ConversationId = id, CreatedAt = updatedAt, UpdatedAt = updatedAt });
        }

        var first = await Sweeper.RunAsync();
        var second = await Sweeper.RunAsync();

        var oldestFirst = byAge.OrderBy(s => s.UpdatedAt).Select(s => s.Id).ToList();
        Assert.That(first.Sessions.Select(s => s.ConversationId), Is.EqualTo(oldestFirst.Take(200)));
        Assert.That(first.Sessions.Select(s => s.Outcome), Has.All.EqualTo(SweepOutcome.Expired));
        Assert.That(second.Sessions, Is.EqualTo(new[] { (oldestFirst[200], SweepOutcome.Expired) }), "the youngest waited for the next run");
    }

    [Test]
    public async Task ASessionUpdatedWithinMaxIdleIsNotTaken()
    {
        var (id, _) = await CreateSessionAsync();
        _time.Advance(TimeSpan.FromHours(1));
        await _app.PostAsync(new { action = "get_signed_url", conversationId = id }); // updates it
        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(30));

        var result = await Sweeper.RunAsync();

        Assert.That(result.Sessions, Is.Empty);
        Assert.That((await Store.GetAsync(id))!.Session.Status, Is.EqualTo(SessionStatus.Active));
    }

    private async Task<(string Id, string ElevenLabsId)> CreateSessionAsync()
    {
        var (status, body, _) = await _app.PostAsync(new { action = "create_session", userId = "user123", candidateId = "candidate456" });
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var id = body["conversationId"]!.GetValue<string>();
        return (id, (await Store.GetAsync(id))!.Session.ElevenLabsConversationIds.Single());
    }

    private int Writes() => _rig.Firestore.Requests.Count(r => r.Method is "PATCH" or "POST" && !r.RawTarget.EndsWith(":runQuery", StringComparison.Ordinal));

    private IReadOnlyList<EventTelemetry> Events(string name)
    {
        _app.Services.GetRequiredService<TelemetryClient>().Flush();
        return [.. _telemetry.Items.OfType<EventTelemetry>().Where(e => e.Name == name)];
    }
}
