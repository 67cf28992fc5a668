using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Sweep;

/// <summary>
/// The sweep's reconcile pass, over HTTP against the Firestore and ElevenLabs stand-ins on a fake clock: a finished call
/// whose webhook never came is stored by one run exactly as the webhook would have stored it, and a webhook arriving
/// at the same moment (held inside the other's commit by the Firestore stand-in) leaves the same documents.
/// </summary>
[TestFixture]
public sealed class ReconcileTests
{
    private const string Project = "replit-4f946";
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly string _secret = WebhookSigner.NewSecret();
    private FirestoreRig _rig = null!;
    private FakeTimeProvider _time = null!;
    private InMemoryTelemetryChannel _telemetry = null!;
    private AppHost _app = null!;

    private SessionSweeper Sweeper => _app.Services.GetRequiredService<SessionSweeper>();

    [SetUp]
    public async Task StartAsync()
    {
        _rig = await FirestoreRig.StartAsync();
        _rig.ElevenLabs.IssueFreshConversationIds();
        _time = new FakeTimeProvider(Start);
        _telemetry = new InMemoryTelemetryChannel();
        _app = await AppHost.StartAsync(
            _rig.Settings(("Sessions:SweepInterval", "00:00:00"), ("ElevenLabs:MaxRetries", "0"), ("ElevenLabs:WebhookSecret", _secret),
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

    [Test]
    public async Task ACallWhoseWebhookNeverCameIsCompleteAfterOneReconcileRun()
    {
        var (id, elevenLabsId) = await CreateSessionAsync();
        Assert.That(Strings(Session(id)["pendingCallIds"]), Is.EqualTo(new[] { elevenLabsId }), "an issued id is pending");
        _rig.ElevenLabs.StoreConversation(elevenLabsId, "done", startedAt: Start.AddMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(15));

        var result = await Sweeper.RunAsync();

        Assert.That(result.Calls, Is.EqualTo(new[] { (id, elevenLabsId, ReconcileOutcome.Recovered) }));
        var call = Call(id, elevenLabsId) ?? throw new AssertionException("no call document after the reconcile run");
        Assert.That(S(call["source"]), Is.EqualTo("reconcile"));
        Assert.That(S(call["matchedBy"]), Is.EqualTo("elevenLabsConversationId"));
        Assert.That(Turns(call), Is.EqualTo(new[] { "Hello, shall we start?", "Yes, please.", "Tell me about your last project." }));
        var analysis = call["analysis"]!["mapValue"]!["fields"]!;
        Assert.That(S(analysis["evaluation_criteria_results"]!["mapValue"]!["fields"]!["communication"]!["mapValue"]!["fields"]!["result"]), Is.EqualTo("success"));
        var session = Session(id);
        Assert.That(S(session["status"]), Is.EqualTo("ended"));
        Assert.That(S(session["endedBy"]), Is.EqualTo("sweeper"));
        Assert.That(S(session["lastCall"]!["mapValue"]!["fields"]!["transcriptSummary"]), Is.EqualTo("The candidate walked through two projects and asked about the team."));
        Assert.That(Strings(session["pendingCallIds"]), Is.Empty);
        Assert.That(session["reconcileAt"]!["nullValue"], Is.Null, "nothing pending: out of the pass's query");
        var reconciled = Events("CallReconciled").Single();
        Assert.That(reconciled.Properties["ElevenLabsConversationId"], Is.EqualTo(elevenLabsId));
        Assert.That(string.Join(" ", reconciled.Properties.Values), Does.Not.Contain("shall we start").And.Not.Contain("two projects"), "no transcript in telemetry");

        var (read, results, _) = await _app.PostAsync(new { action = "get_results", conversationId = id });
        Assert.That(read, Is.EqualTo(200), results.ToJsonString());
        var stored = results["data"]!["calls"]!.AsArray().Single()!;
        Assert.That(stored["source"]!.GetValue<string>(), Is.EqualTo("reconcile"));
        Assert.That(stored["transcript"]!.AsArray().Select(t => t!["message"]!.GetValue<string>()), Is.EqualTo(Turns(call)));
        Assert.That(stored["analysis"]!["dataCollectionResults"]!["years_experience"]!["value"]!.GetValue<int>(), Is.EqualTo(7));

        var again = await Sweeper.RunAsync();
        Assert.That(again.Calls, Is.Empty, "a recorded call is no longer looked for");
    }

    [Test]
    public async Task ASessionEndedByTheClientIsReconciledToo()
    {
        var (id, elevenLabsId) = await CreateSessionAsync();
        var (status, _, _) = await _app.PostAsync(new { action = "end_session", conversationId = id });
        Assert.That(status, Is.EqualTo(200));
        _rig.ElevenLabs.StoreConversation(elevenLabsId, "failed");
        _time.Advance(TimeSpan.FromMinutes(15));

        var result = await Sweeper.RunAsync();

        Assert.That(result.Calls, Is.EqualTo(new[] { (id, elevenLabsId, ReconcileOutcome.Recovered) }));
        Assert.That(Call(id, elevenLabsId), Is.Not.Null);
        Assert.That(S(Session(id)["endedBy"]), Is.EqualTo("client"), "the first end stands");
    }

    [Test]
    public async Task ACallStillRunningStaysPendingAndIsRecordedOnceItFinishes()
    {
        var (id, elevenLabsId) = await CreateSessionAsync();
        _rig.ElevenLabs.StoreConversation(elevenLabsId, "in-progress");
        _time.Advance(TimeSpan.FromMinutes(15));
        var updatedAt = Session(id)["updatedAt"]!.ToJsonString();

        var first = await Sweeper.RunAsync();

        Assert.That(first.Calls, Is.EqualTo(new[] { (id, elevenLabsId, ReconcileOutcome.NotFinished) }));
        Assert.That(Call(id, elevenLabsId), Is.Null);
        Assert.That(Strings(Session(id)["pendingCallIds"]), Is.EqualTo(new[] { elevenLabsId }));
        Assert.That(Session(id)["updatedAt"]!.ToJsonString(), Is.EqualTo(updatedAt), "a look is not a use: the idle sweep still sees it idle");

        _rig.ElevenLabs.StoreConversation(elevenLabsId, "done");
        _time.Advance(TimeSpan.FromMinutes(15));
        var second = await Sweeper.RunAsync();

        Assert.That(second.Calls, Is.EqualTo(new[] { (id, elevenLabsId, ReconcileOutcome.Recovered) }));
        Assert.That(Call(id, elevenLabsId), Is.Not.Null);
    }

    [Test]
    public async Task AWebRtcSessionLinkedByTheTokensConversationIdIsReconciled()
    {
        var (status, token, _) = await _app.PostAsync(new { action = "get_conversation_token", userId = "user123" });
        Assert.That(status, Is.EqualTo(200), token.ToJsonString());
        var id = token["conversationId"]!.GetValue<string>();
        var elevenLabsId = _rig.ElevenLabs.TokenConversationIds.Last();
        Assert.That(Strings(Session(id)["elevenLabsConversationIds"]), Is.EqualTo(new[] { elevenLabsId }), "linked as a signed URL's id is");
        _rig.ElevenLabs.StoreConversation(elevenLabsId, "done");
        _time.Advance(TimeSpan.FromMinutes(15));

        var result = await Sweeper.RunAsync();

        Assert.That(result.Calls, Is.EqualTo(new[] { (id, elevenLabsId, ReconcileOutcome.Recovered) }));
        Assert.That(Call(id, elevenLabsId), Is.Not.Null);
    }

    /// <summary>
    /// The reconcile pass and the webhook at once, in both orders: the first commit to reach Firestore is held until the
    /// other has been stored. Either way the call's document ends as the webhook's event made it (an event replaces a
    /// call the pass fetched; the pass keeps one the webhook stored), and the session's lastCall agrees with it.
    /// </summary>
    [TestCase(true, TestName = "AWebhookLandingWhileTheReconcilePassWritesLeavesTheSameDocuments")]
    [TestCase(false, TestName = "TheReconcilePassLandingWhileAWebhookWritesLeavesTheSameDocuments")]
    public async Task AWebhookAtTheSameMomentLeavesTheSameDocuments(bool reconcileFirst)
    {
        var (baselineId, baselineElevenLabsId) = await CreateSessionAsync();
        _rig.ElevenLabs.StoreConversation(baselineElevenLabsId, "done", startedAt: Start.AddMinutes(1));
        Assert.That(await DeliverAsync(baselineElevenLabsId), Is.EqualTo(200));
        var baseline = Comparable(Call(baselineId, baselineElevenLabsId)!, baselineId, baselineElevenLabsId);

        var (id, elevenLabsId) = await CreateSessionAsync();
        _rig.ElevenLabs.StoreConversation(elevenLabsId, "done", startedAt: Start.AddMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(15));
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = 0;
        _rig.Firestore.BeforeCommit = async () =>
        {
            if (Interlocked.Increment(ref commits) == 1)
            {
                held.SetResult();
                await release.Task;
            }

            return true;
        };

        Task<SweepResult> sweep;
        Task<int> webhook;
        if (reconcileFirst)
        {
            sweep = Sweeper.RunAsync();
            await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
            webhook = DeliverAsync(elevenLabsId);
            await webhook.WaitAsync(TimeSpan.FromSeconds(30));
        }
        else
        {
            webhook = DeliverAsync(elevenLabsId);
            await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
            sweep = Sweeper.RunAsync();
            await sweep.WaitAsync(TimeSpan.FromSeconds(30));
        }

        release.SetResult();
        var result = await sweep;
        Assert.That(await webhook, Is.EqualTo(200));
        _rig.Firestore.BeforeCommit = null;

        Assert.That(result.Calls.Single().Outcome, Is.EqualTo(reconcileFirst ? ReconcileOutcome.AlreadyStored : ReconcileOutcome.Recovered));
        var call = Call(id, elevenLabsId)!;
        Assert.That(Comparable(call, id, elevenLabsId), Is.EqualTo(baseline), "the call document is the webhook's, whoever came first");
        Assert.That(_rig.Firestore.Documents.Keys.Count(k => k.Contains($"/calls/{elevenLabsId}", StringComparison.Ordinal)), Is.EqualTo(1));
        var session = Session(id);
        Assert.That(session["lastCall"]!.ToJsonString().Replace(elevenLabsId, "CALL", StringComparison.Ordinal),
            Is.EqualTo(Session(baselineId)["lastCall"]!.ToJsonString().Replace(baselineElevenLabsId, "CALL", StringComparison.Ordinal)));
        Assert.That(Strings(session["pendingCallIds"]), Is.Empty);
        Assert.That(S(session["status"]), Is.EqualTo("ended"));
    }

    /// <summary>The call document's fields without what names its session and call and when it arrived.</summary>
    private static string Comparable(JsonObject call, string sessionId, string elevenLabsId)
    {
        var copy = call.DeepClone().AsObject();
        copy.Remove("receivedAt");
        return copy.ToJsonString().Replace(sessionId, "SESSION", StringComparison.Ordinal).Replace(elevenLabsId, "CALL", StringComparison.Ordinal);
    }

    private async Task<int> DeliverAsync(string elevenLabsId)
    {
        var data = _rig.ElevenLabs.ConversationBody(elevenLabsId);
        var @event = new JsonObject
        {
            ["type"] = "post_call_transcription",
            ["event_timestamp"] = Start.AddMinutes(14).ToUnixTimeSeconds(),
            ["data"] = data,
        };
        var body = ElevenLabsEvents.Bytes(@event);
        using var request = WebhookSigner.Request(_secret, _time.GetUtcNow(), body);
        using var response = await _app.Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private async Task<(string Id, string ElevenLabsId)> CreateSessionAsync()
    {
        var (status, body, _) = await _app.PostAsync(new { action = "create_session", userId = "user123", candidateId = "candidate456" });
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var id = body["conversationId"]!.GetValue<string>();
        return (id, Strings(Session(id)["elevenLabsConversationIds"]).Single());
    }

    private JsonObject Session(string id) => _rig.Firestore.Document(Project, "conversation-sessions", id) ?? throw new AssertionException($"no session {id}");

    private JsonObject? Call(string sessionId, string elevenLabsId) => _rig.Firestore.Document(Project, $"conversation-sessions/{sessionId}/calls", elevenLabsId);

    private static string S(JsonNode? field) => field!["stringValue"]!.GetValue<string>();

    private static List<string> Strings(JsonNode? field) =>
        [.. (field?["arrayValue"]?["values"] as JsonArray ?? []).Select(v => v!["stringValue"]!.GetValue<string>())];

    private static List<string> Turns(JsonObject call) =>
        [.. call["transcript"]!["arrayValue"]!["values"]!.AsArray().Select(t => S(t!["mapValue"]!["fields"]!["message"]))];

    private IReadOnlyList<EventTelemetry> Events(string name)
    {
        _app.Services.GetRequiredService<TelemetryClient>().Flush();
        return [.. _telemetry.Items.OfType<EventTelemetry>().Where(e => e.Name == name)];
    }
}
