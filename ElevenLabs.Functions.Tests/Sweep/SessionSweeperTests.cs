using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Sweep;

/// <summary>
/// The sweep of idle sessions, under both hosts, each run fired by its trigger (<see cref="SweepApp"/>: self-hosted the
/// BackgroundService on the app's clock, under the Functions host the timer function) against the Firestore and
/// ElevenLabs stand-ins; sessions are made and ended over HTTP as clients do and idled in the Firestore stand-in. What a
/// run did to each session shows in its document, in the answers over HTTP, in ElevenLabs' requests and in the events
/// at ingestion. Each test has its own app and stand-ins, so one test's sessions never idle into another's run.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class SessionSweeperTests(HostKind host)
{
    private static readonly TimeSpan PastMaxIdle = TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1);

    private SweepApp _sweep = null!;

    private AppHost App => _sweep.App;
    private ElevenLabsStandIn ElevenLabs => _sweep.Rig.ElevenLabs;

    [SetUp]
    public async Task StartAsync() => _sweep = await SweepApp.StartAsync(host);

    [TearDown]
    public async Task StopAsync() => await _sweep.DisposeAsync();

    private int Writes() => _sweep.Rig.Firestore.Requests.Count(r => r.Method is "PATCH" or "POST" && !r.RawTarget.EndsWith(":runQuery", StringComparison.Ordinal));

    [TestCase("done")]
    [TestCase("failed")]
    public async Task ASessionWhoseCallFinishedIsEndedByTheSweeperWithTheCallsSummary(string callStatus)
    {
        var (id, elevenLabsId) = await _sweep.CreateSessionAsync();
        var startedAt = _sweep.Now.AddMinutes(-120);
        ElevenLabs.Conversation(elevenLabsId, callStatus, startedAt, durationSecs: 754, callSuccessful: "failure",
            summary: "The candidate left after the first question.", terminationReason: "Client disconnected");
        _sweep.Idle(id, PastMaxIdle);
        var before = _sweep.Now;

        var run = await _sweep.SweepAsync();

        var after = _sweep.Now;
        Assert.That(run, Does.Contain("1 found, 1 ended"));
        Assert.That(_sweep.Status(id), Is.EqualTo("ended"));
        Assert.That(_sweep.Field(id, "endedBy"), Is.EqualTo("sweeper"));
        var endedAt = DateTimeOffset.Parse(_sweep.Field(id, "endedAt")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(endedAt, Is.InRange(before.AddSeconds(-1), after.AddSeconds(1)), "ended at the run's time");
        // The run's reconcile pass stores the call too (as its webhook would), which touches the session again in the same run.
        Assert.That(DateTimeOffset.Parse(_sweep.Field(id, "updatedAt")!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(endedAt, after.AddSeconds(1)));
        var lastCall = _sweep.Document(id)["lastCall"]!["mapValue"]!["fields"]!.AsObject();
        string? Call(string name) => lastCall[name] is JsonObject value ? (value["stringValue"] ?? value["timestampValue"] ?? value["integerValue"])?.GetValue<string>() : null;
        Assert.That(Call("elevenLabsConversationId"), Is.EqualTo(elevenLabsId));
        Assert.That(Call("status"), Is.EqualTo(callStatus));
        Assert.That(Call("callDurationSecs"), Is.EqualTo("754"));
        Assert.That(Call("callSuccessful"), Is.EqualTo("failure"));
        Assert.That(Call("transcriptSummary"), Is.EqualTo("The candidate left after the first question."));
        Assert.That(Call("terminationReason"), Is.EqualTo("Client disconnected"));
        Assert.That(DateTimeOffset.Parse(Call("startedAt")!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(new DateTimeOffset(startedAt.Year, startedAt.Month, startedAt.Day, startedAt.Hour, startedAt.Minute, startedAt.Second, TimeSpan.Zero)));

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(status, Is.EqualTo(409));
        Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo("session_ended"));
        var ended = (await _sweep.EventsAfterStopAsync("SessionEnded")).Single();
        Assert.That(ended.Properties["Action"], Is.EqualTo("sweep"));
        Assert.That(ended.Properties["ConversationId"], Is.EqualTo(id));
    }

    [TestCase("initiated")]
    [TestCase("in-progress")]
    [TestCase("processing")]
    public async Task ASessionWhoseCallIsStillRunningAndYoungerThanADayIsLeftAlone(string callStatus)
    {
        var (id, elevenLabsId) = await _sweep.CreateSessionAsync();
        ElevenLabs.Conversation(elevenLabsId, callStatus, _sweep.Now.AddMinutes(-115));
        _sweep.Idle(id, PastMaxIdle);
        var version = _sweep.UpdateTime(id);
        var writes = Writes();

        var run = await _sweep.SweepAsync();

        Assert.That(run, Does.Contain("1 found").And.Contain("1 left alone"));
        Assert.That(Writes(), Is.EqualTo(writes), "nothing written");
        Assert.That(_sweep.UpdateTime(id), Is.EqualTo(version));
        var (status, _, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(status, Is.EqualTo(200), "the session is still usable");
    }

    [Test]
    public async Task ACallStillRunningAfterADayExpiresTheSession()
    {
        var (id, elevenLabsId) = await _sweep.CreateSessionAsync();
        ElevenLabs.Conversation(elevenLabsId, "in-progress", _sweep.Now - TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        _sweep.Idle(id, TimeSpan.FromHours(24) + TimeSpan.FromMinutes(2));

        var run = await _sweep.SweepAsync();

        Assert.That(run, Does.Contain("1 found").And.Contain("1 expired"));
        Assert.That(_sweep.Status(id), Is.EqualTo("expired"));
        Assert.That(_sweep.Document(id)["lastCall"]!["mapValue"]!["fields"]!["status"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("in-progress"));
        Assert.That(_sweep.Field(id, "endedBy"), Is.Null);
        Assert.That((await _sweep.EventsAfterStopAsync("SessionExpired")).Single().Properties["Reason"], Is.EqualTo("call_running_too_long"));
    }

    [Test]
    public async Task ASessionWithNoCallExpiresAndCanNoLongerBeUsed()
    {
        ElevenLabs.Answers(200, """{"signed_url":"wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent&token=t"}""");
        var (_, created, _) = await App.PostAsync(new { action = "create_session", userId = "user123" });
        var id = created["conversationId"]!.GetValue<string>();
        _sweep.Idle(id, PastMaxIdle);

        var run = await _sweep.SweepAsync();

        Assert.That(run, Does.Contain("1 found").And.Contain("1 expired"));
        Assert.That(ElevenLabs.ConversationRequests, Is.Empty, "no call to ask ElevenLabs about");
        Assert.That(_sweep.Status(id), Is.EqualTo("expired"));
        Assert.That(_sweep.Field(id, "endedAt"), Is.Null);
        Assert.That(_sweep.Document(id)["lastCall"]?["mapValue"], Is.Null, "no last call");
        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(status, Is.EqualTo(409));
        Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo("session_not_active"));
        var expired = (await _sweep.EventsAfterStopAsync("SessionExpired")).Single();
        Assert.That(expired.Properties["Reason"], Is.EqualTo("no_call"));
        Assert.That(expired.Properties["Action"], Is.EqualTo("sweep"));
        Assert.That(expired.Properties["ConversationId"], Is.EqualTo(id));
    }

    [Test]
    public async Task ASessionWhoseCallElevenLabsDoesNotKnowExpires()
    {
        var (id, elevenLabsId) = await _sweep.CreateSessionAsync();
        _sweep.Idle(id, PastMaxIdle);

        var run = await _sweep.SweepAsync();

        Assert.That(run, Does.Contain("1 found").And.Contain("1 expired"));
        Assert.That(ElevenLabs.ConversationRequests.Select(r => r.RequestMessage.Path), Is.EqualTo(Enumerable.Repeat(ElevenLabsStandIn.ConversationsPath + elevenLabsId, 2)),
            "the idle sweep, then the reconcile pass for the pending call");
        Assert.That(_sweep.Reconciles[0], Does.Contain("1 not finished"), "the reconcile pass keeps the call pending");
        Assert.That(_sweep.Status(id), Is.EqualTo("expired"));
        Assert.That((await _sweep.EventsAfterStopAsync("SessionExpired")).Single().Properties["Reason"], Is.EqualTo("call_not_found"));
    }

    [Test]
    public async Task TheSweepAsksAboutTheSessionsLatestCall()
    {
        var (id, first) = await _sweep.CreateSessionAsync();
        await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        var latest = ElevenLabs.IssuedConversationIds[^1];
        ElevenLabs.Conversation(first, "done", _sweep.Now.AddHours(-3));
        ElevenLabs.Conversation(latest, "in-progress", _sweep.Now.AddMinutes(-100));
        _sweep.Idle(id, PastMaxIdle);

        var run = await _sweep.SweepAsync();

        Assert.That(latest, Is.Not.EqualTo(first));
        Assert.That(run, Does.Contain("1 found").And.Contain("1 left alone"));
        Assert.That(ElevenLabs.ConversationRequests[0].RequestMessage.Path, Is.EqualTo(ElevenLabsStandIn.ConversationsPath + latest), "the idle sweep asks about the latest");
        Assert.That(_sweep.Reconciles[0], Does.Contain("1 calls recovered").And.Contain("1 not finished"),
            "the reconcile pass asks about every pending call and records the finished one");
    }

    [Test]
    public async Task AClientEndingTheSessionWhileTheSweepLooksAtItWins()
    {
        var (id, elevenLabsId) = await _sweep.CreateSessionAsync();
        using var asked = new SemaphoreSlim(0);
        using var answer = new SemaphoreSlim(0);
        var holds = 0;
        ElevenLabs.Conversation(elevenLabsId, "done", _sweep.Now.AddHours(-3), hold: () =>
        {
            if (Interlocked.Increment(ref holds) > 1)
            {
                return false; // the run's reconcile pass after it: ElevenLabs answers 503, the call is asked about next run
            }

            asked.Release();
            return answer.Wait(TimeSpan.FromSeconds(30));
        });
        _sweep.Idle(id, PastMaxIdle);

        await _sweep.TriggerAsync(wait: false);
        Assert.That(await asked.WaitAsync(TimeSpan.FromSeconds(60)), Is.True, "the sweep asks ElevenLabs about the call");
        var (status, ended, _) = await App.PostAsync(new { action = "end_session", conversationId = id });
        answer.Release();
        await _sweep.RunEndedAsync();

        Assert.That(status, Is.EqualTo(200));
        Assert.That(_sweep.Runs[0], Does.Contain("1 found").And.Contain("1 changed meanwhile"));
        Assert.That(_sweep.Status(id), Is.EqualTo("ended"));
        Assert.That(_sweep.Field(id, "endedBy"), Is.EqualTo("client"), "the client's end stands");
        Assert.That(DateTimeOffset.Parse(_sweep.Field(id, "endedAt")!, System.Globalization.CultureInfo.InvariantCulture),
            Is.EqualTo(DateTimeOffset.Parse(ended["data"]!["endedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(_sweep.Document(id)["lastCall"]?["mapValue"], Is.Null, "the sweep wrote nothing");
        Assert.That((await _sweep.EventsAfterStopAsync("SessionEnded")).Select(e => e.Properties["Action"]), Is.EqualTo(new[] { "end_session" }));
    }

    [Test]
    public async Task WhenElevenLabsFailsTheSessionIsLeftForTheNextRun()
    {
        var (id, _) = await _sweep.CreateSessionAsync();
        ElevenLabs.ConversationsAnswer(500, """{"detail":"Internal Server Error"}""");
        _sweep.Idle(id, PastMaxIdle);

        var run = await _sweep.SweepAsync();

        Assert.That(run, Does.Contain("1 found").And.Contain("1 left alone"));
        Assert.That(_sweep.Status(id), Is.EqualTo("active"));
        Assert.That(App.LogMessages(LogLevel.Warning), Has.Some.Contains(id).And.Contains("next sweep"));
    }

    /// <summary>An answer the app cannot use (no status, not JSON, a field of another type) is ElevenLabs failing, never a crash of the run.</summary>
    [TestCase("""{"conversation_id":"x","transcript":[]}""")]
    [TestCase("<html>Bad gateway</html>")]
    [TestCase("""{"conversation_id":"x","status":5,"metadata":"none"}""")]
    public async Task AnAnswerWithoutAUsableStatusLeavesTheSessionAlone(string answer)
    {
        var (id, _) = await _sweep.CreateSessionAsync();
        ElevenLabs.ConversationsAnswer(200, answer);
        _sweep.Idle(id, PastMaxIdle);

        var run = await _sweep.SweepAsync();

        Assert.That(run, Does.Contain("1 found").And.Contain("1 left alone"));
        Assert.That(_sweep.Status(id), Is.EqualTo("active"));
    }

    [Test]
    public async Task ARunTakesAtMost200IdleSessionsTheOldestFirst()
    {
        // 201 idle sessions, copies of one made over HTTP, written to the store in shuffled order, each idle for a different time.
        ElevenLabs.Answers(200, """{"signed_url":"wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent&token=t"}""");
        var (_, created, _) = await App.PostAsync(new { action = "create_session", userId = "user123" });
        var template = _sweep.Document(created["conversationId"]!.GetValue<string>());
        _sweep.Rig.Firestore.Documents.Clear();
        var byAge = Enumerable.Range(0, 201).Select(i => (Id: global::ElevenLabs.Functions.Sessions.ConversationId.NewId(), IdleFor: TimeSpan.FromHours(3) + TimeSpan.FromMinutes(i))).ToList();
        foreach (var (id, idleFor) in byAge.OrderBy(_ => Random.Shared.Next()))
        {
            var fields = template.DeepClone().AsObject();
            fields["conversationId"] = new JsonObject { ["stringValue"] = id };
            fields["createdAt"] = new JsonObject { ["timestampValue"] = SweepApp.Timestamp(_sweep.Now - idleFor) };
            fields["updatedAt"] = new JsonObject { ["timestampValue"] = SweepApp.Timestamp(_sweep.Now - idleFor) };
            _sweep.Rig.Firestore.Put(SweepApp.ProjectId, "conversation-sessions", id, fields);
        }

        var first = await _sweep.SweepAsync(1);
        var youngest = byAge.OrderByDescending(s => s.IdleFor).Last().Id;
        var afterFirst = byAge.Select(s => (s.Id, Status: _sweep.Status(s.Id))).ToList();
        var second = await _sweep.SweepAsync(2);

        Assert.That(first, Does.Contain("200 found").And.Contain("200 expired"));
        Assert.That(afterFirst.Where(s => s.Status == "active").Select(s => s.Id), Is.EqualTo(new[] { youngest }), "the youngest waited for the next run");
        Assert.That(second, Does.Contain("1 found").And.Contain("1 expired"));
        Assert.That(_sweep.Status(youngest), Is.EqualTo("expired"));
    }

    [Test]
    public async Task ASessionUpdatedWithinMaxIdleIsNotTaken()
    {
        var (id, _) = await _sweep.CreateSessionAsync();
        _sweep.Idle(id, PastMaxIdle);
        var (status, _, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id }); // updates it: no longer idle
        Assert.That(status, Is.EqualTo(200));

        var run = await _sweep.SweepAsync();

        Assert.That(run, Does.Contain("0 found"));
        Assert.That(_sweep.Status(id), Is.EqualTo("active"));
    }
}
