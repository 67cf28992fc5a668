using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Sessions;

/// <summary>
/// <c>delete_session</c> over HTTP, under both hosts, with every store a loopback server speaking its own protocol:
/// ElevenLabs (conversations and their <c>DELETE</c>), Firestore (the REST stand-in), Azurite (recordings), and
/// Application Insights' ingestion (the <c>SessionErased</c> event). A session with two calls, each with a transcript
/// split into parts and a recording, all stored the way the app stores them (the webhook's events), is gone from each
/// after one <c>delete_session</c>; a failure midway (ElevenLabs, Firestore or Blob Storage, the last reached through
/// <see cref="StorageFaultFront"/>) leaves it <c>deleting</c>, answered as not found, what is left stored as it was,
/// and a retry or the next timer run finishes the job; another signed-in caller can delete nothing. Retention is on
/// (30 days): a session past its <c>expireAt</c> is erased the same way by the next timer run, one within it is left.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class SessionErasureTests(HostKind host)
{
    private const string Project = "interview-app-erasure";
    private readonly string _secret = WebhookSigner.NewSecret();
    private FirestoreRig _rig = null!;
    private Azurite _azurite = null!;
    private StorageFaultFront _blob = null!;
    private OpenIdStandIn _provider = null!;
    private ApplicationInsightsStandIn _insights = null!;
    private AppHost _app = null!;

    private string Alice => _provider.Token("uid-alice", Project);
    private string Mallory => _provider.Token("uid-mallory", Project);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _rig = await FirestoreRig.StartAsync();
        _azurite = await Azurite.StartAsync(https: false); // the worker process reaches it without trusting a test certificate
        _blob = await StorageFaultFront.StartAsync(_azurite); // the app reaches Azurite through it: a Blob fault when a test says so
        _provider = await OpenIdStandIn.StartFirebaseAsync(Project);
        _insights = await ApplicationInsightsStandIn.StartAsync();
        _app = await AppHost.StartAsync(host, _rig.Settings([
            .. Settings.Firebase(_provider, Project),
            ("Recordings:ConnectionString", _blob.ConnectionString),
            ("ElevenLabs:WebhookSecret", _secret),
            ("ElevenLabs:MaxRetries", "0"),
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", _insights.ConnectionString),
            ("Sessions:SweepInterval", "00:00:00"), // self-hosted: the test runs the sweep
            ("Sessions:SweepSchedule", "0 0 0 1 1 *"), // Functions host: once a year, unless the test runs it
            ("Sessions:RetentionDays", "30"),
        ]));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        foreach (var standIn in new IAsyncDisposable?[] { _insights, _provider, _blob, _azurite, _rig })
        {
            if (standIn is not null)
            {
                await standIn.DisposeAsync();
            }
        }
    }

    [SetUp]
    public void Reset()
    {
        _rig.Reset();
        _blob.Heal();
        _rig.ElevenLabs.IssueFreshConversationIds();
    }

    [Test]
    public async Task DeleteSessionErasesTheSessionItsCallsTranscriptPartsRecordingsAndElevenLabsConversations()
    {
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();
        var parts = StoredDocuments(id).Count(d => d.Contains("/transcript/", StringComparison.Ordinal));
        Assert.That(parts, Is.GreaterThanOrEqualTo(4), "each transcript is split into parts");
        Assert.That(await RecordingsAsync(id), Has.Count.EqualTo(2));

        var (status, body, _) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["data"]!["status"]!.GetValue<string>(), Is.EqualTo("deleted"));
        Assert.That(Removed(body),
            Is.EqualTo((2, 2, 2, parts)));
        Assert.That(elevenLabsIds.Select(_rig.ElevenLabs.HasConversation), Is.All.False, "ElevenLabs has neither conversation");
        Assert.That(_rig.ElevenLabs.DeletedConversations, Is.EquivalentTo(elevenLabsIds));
        Assert.That(StoredDocuments(id), Is.Empty, "Firestore has no session, call or transcript part document left");
        Assert.That(await RecordingsAsync(id), Is.Empty, "Blob Storage has no recording left");

        var erased = await EventAsync("SessionErased", id);
        Assert.That(erased.Select(p => p.Key), Is.SupersetOf(new[]
        {
            "Source", "ConversationId", "AgentId", "ElevenLabsConversations", "Recordings", "Calls", "TranscriptParts",
        }), erased.ToJsonString());
        Assert.That((S(erased["Source"]), S(erased["ElevenLabsConversations"]), S(erased["Recordings"]), S(erased["Calls"]), S(erased["TranscriptParts"])),
            Is.EqualTo(("client", "2", "2", "2", parts.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(erased.ToJsonString(), Does.Not.Contain("candidate456").And.Not.Contain("user123").And.Not.Contain("billing")
            .And.Not.Contain(elevenLabsIds[0]), "counts only: no transcript, names or ElevenLabs ids");

        var (again, againBody, _) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);
        Assert.That(again, Is.EqualTo(404), "once erased, the id is unknown");
        ContractTests.AssertError(againBody, "session_not_found");
    }

    [Test]
    public async Task AFailureMidwayLeavesTheSessionDeletingAndGoneToEveryActionAndARetryFinishesIt()
    {
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();
        _rig.ElevenLabs.FailDeletesOf(elevenLabsIds[1]);

        var (status, body, response) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        ContractTests.AssertError(body, "erasure_incomplete");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(7)), "ElevenLabs' own Retry-After");
        Assert.That(S(SessionDocument(id)!["status"]), Is.EqualTo("deleting"));
        Assert.That((_rig.ElevenLabs.HasConversation(elevenLabsIds[0]), _rig.ElevenLabs.HasConversation(elevenLabsIds[1])), Is.EqualTo((false, true)),
            "stopped at the failing conversation");
        Assert.That(await RecordingsAsync(id), Has.Count.EqualTo(2), "nothing after the failure was touched");

        await AssertGoneToEveryActionAsync(id);

        var callsBefore = StoredDocuments(id).Count;
        var (delivered, ack) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsIds[1], durationSecs: 999));
        Assert.That(delivered, Is.EqualTo(200), ack.ToJsonString());
        Assert.That(ack["matched"]!.GetValue<bool>(), Is.False, "a late delivery for a session being deleted is taken and dropped");
        Assert.That(StoredDocuments(id), Has.Count.EqualTo(callsBefore), "nothing was stored for it");
        Assert.That(_rig.Firestore.Documents.Keys.Where(k => k.Contains("elevenlabs-unmatched-calls/" + elevenLabsIds[1], StringComparison.Ordinal)), Is.Empty,
            "not even with the unmatched calls");

        _rig.ElevenLabs.HealDeletes();
        var (retried, retriedBody, _) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);

        Assert.That(retried, Is.EqualTo(200), retriedBody.ToJsonString());
        Assert.That(Int(retriedBody["data"]!["removed"]!["elevenLabsConversations"]), Is.EqualTo(1), "the one left; the first is gone there already (404)");
        Assert.That(Int(retriedBody["data"]!["removed"]!["calls"]), Is.EqualTo(2));
        await AssertGoneEverywhereAsync(id, elevenLabsIds);
    }

    /// <summary>
    /// Firestore out (UNAVAILABLE, past the store's retries) or refusing (PERMISSION_DENIED) midway through its part: the
    /// ElevenLabs conversations and the recordings are gone, the first call's transcript parts deleted, the rest not.
    /// </summary>
    [TestCase(503, "UNAVAILABLE", 503)]
    [TestCase(403, "PERMISSION_DENIED", 502)]
    public async Task AFirestoreFaultMidwayLeavesTheSessionDeletingAndARetryFinishesIt(int code, string status, int answered)
    {
        var bystander = await BystanderAsync();
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();
        var before = Snapshot(id);
        var parts = before.Keys.Count(d => d.Contains("/transcript/", StringComparison.Ordinal));
        var commits = 0;
        _rig.Firestore.FailWhere((method, path) => method == "POST" && path.EndsWith("/documents:commit", StringComparison.Ordinal)
            && Interlocked.Increment(ref commits) > 1, status, code); // the first delete of transcript parts goes through

        var (answer, body, response) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);

        Assert.That(answer, Is.EqualTo(answered), body.ToJsonString());
        ContractTests.AssertError(body, "erasure_incomplete");
        Assert.That(body["detail"]!.GetValue<string>(), Does.Contain("the session store failed midway"));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(ApiErrors.DefaultRetryAfter));
        Assert.That(S(SessionDocument(id)!["status"]), Is.EqualTo("deleting"));
        Assert.That(elevenLabsIds.Select(_rig.ElevenLabs.HasConversation), Is.All.False, "the steps before Firestore's were done");
        Assert.That(await RecordingsAsync(id), Is.Empty);
        var left = StoredDocuments(id);
        var partsLeft = left.Count(d => d.Contains("/transcript/", StringComparison.Ordinal));
        Assert.That(left.Count(d => !d.Contains("/transcript/", StringComparison.Ordinal)), Is.EqualTo(3), "the session and both calls are still there");
        Assert.That(partsLeft, Is.InRange(1, parts - 1), "stopped midway: the first call's parts deleted, the second's not");
        AssertUnchanged(before, left.Where(d => !d.EndsWith("/" + id, StringComparison.Ordinal)), "what is left is stored as it was");
        await AssertGoneToEveryActionAsync(id);
        await AssertUntouchedAsync(bystander);

        _rig.Firestore.ClearFaults();
        var (retried, retriedBody, _) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);

        Assert.That(retried, Is.EqualTo(200), retriedBody.ToJsonString());
        Assert.That(Removed(retriedBody),
            Is.EqualTo((0, 0, 2, partsLeft)), "what was left, and only that");
        await AssertGoneEverywhereAsync(id, elevenLabsIds);
        await AssertUntouchedAsync(bystander);
    }

    /// <summary>
    /// Blob Storage busy (503 ServerBusy, past the client's retries) or refusing (403 AuthorizationPermissionMismatch: the
    /// identity without its role) midway through the recordings: one deleted, the other not, no Firestore document touched.
    /// </summary>
    [TestCase(503, "ServerBusy", "The server is busy.", 503)]
    [TestCase(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.", 502)]
    public async Task ABlobStorageFaultMidwayLeavesTheSessionDeletingAndARetryFinishesIt(int code, string error, string message, int answered)
    {
        var bystander = await BystanderAsync();
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();
        var before = Snapshot(id);
        var parts = before.Keys.Count(d => d.Contains("/transcript/", StringComparison.Ordinal));
        var deletes = 0;
        _blob.FailWhere((method, _) => method == "DELETE" && Interlocked.Increment(ref deletes) > 1, code, error, message); // the first recording's delete goes through

        var (answer, body, response) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);

        Assert.That(answer, Is.EqualTo(answered), body.ToJsonString());
        ContractTests.AssertError(body, "erasure_incomplete");
        Assert.That(body["detail"]!.GetValue<string>(), Does.Contain("Blob Storage failed midway"));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(ApiErrors.DefaultRetryAfter));
        Assert.That(_blob.Failed, Is.GreaterThanOrEqualTo(1), "the fault was met");
        Assert.That(S(SessionDocument(id)!["status"]), Is.EqualTo("deleting"));
        Assert.That(elevenLabsIds.Select(_rig.ElevenLabs.HasConversation), Is.All.False, "the step before Blob Storage's was done");
        Assert.That(await RecordingsAsync(id), Has.Count.EqualTo(1), "stopped midway: one recording deleted, the other not");
        Assert.That(StoredDocuments(id), Is.EqualTo(before.Keys.Order(StringComparer.Ordinal)), "no Firestore document was deleted");
        AssertUnchanged(before, before.Keys.Where(d => !d.EndsWith("/" + id, StringComparison.Ordinal)), "every call and transcript part as it was");
        await AssertGoneToEveryActionAsync(id);
        await AssertUntouchedAsync(bystander);

        _blob.Heal();
        var (retried, retriedBody, _) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);

        Assert.That(retried, Is.EqualTo(200), retriedBody.ToJsonString());
        Assert.That(Removed(retriedBody),
            Is.EqualTo((0, 1, 2, parts)), "what was left, and only that");
        await AssertGoneEverywhereAsync(id, elevenLabsIds);
        await AssertUntouchedAsync(bystander);
    }

    [Test]
    public async Task AnErasureThatStoppedMidwayIsFinishedByTheNextTimerRun()
    {
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();
        _rig.ElevenLabs.FailDeletesOf(elevenLabsIds[0]);
        var (status, body, response) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Alice);
        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        ContractTests.AssertError(body, "erasure_incomplete");
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(StoredDocuments(id), Is.Not.Empty);

        _rig.ElevenLabs.HealDeletes();
        await RunTimerAsync();

        await AssertGoneEverywhereAsync(id, elevenLabsIds);
        var erased = await EventAsync("SessionErased", id);
        Assert.That((S(erased["Source"]), S(erased["ElevenLabsConversations"]), S(erased["Calls"])), Is.EqualTo(("sweep", "2", "2")));
    }

    [Test]
    public async Task ASessionPastRetentionIsErasedEverywhereByTheNextTimerRunAndOneWithinItIsLeft()
    {
        var (expired, expiredIds) = await SessionWithTwoCallsAsync();
        var (kept, keptIds) = await SessionWithTwoCallsAsync();
        var keptDocuments = StoredDocuments(kept);
        var expireAt = DateTimeOffset.Parse(S(SessionDocument(expired)!["expireAt"]!["timestampValue"]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(expireAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddDays(29)), "30 days after its creation");
        // Its 30 days over: the expiry Firestore holds moved to a minute ago (what the app's clock would find after them).
        SessionDocument(expired)!["expireAt"] = new JsonObject { ["timestampValue"] = SweepApp.Timestamp(DateTimeOffset.UtcNow.AddMinutes(-1)) };

        await RunTimerAsync();

        await AssertGoneEverywhereAsync(expired, expiredIds);
        Assert.That(_rig.ElevenLabs.DeletedConversations, Is.SupersetOf(expiredIds), "ElevenLabs was sent a DELETE for each");
        var erased = await EventAsync("SessionErased", expired);
        Assert.That((S(erased["Source"]), S(erased["ElevenLabsConversations"]), S(erased["Recordings"]), S(erased["Calls"])),
            Is.EqualTo(("retention", "2", "2", "2")));

        Assert.That(StoredDocuments(kept), Is.EqualTo(keptDocuments), "the session within retention: every document as it was");
        Assert.That(await RecordingsAsync(kept), Has.Count.EqualTo(2));
        Assert.That(keptIds.Select(_rig.ElevenLabs.HasConversation), Is.All.True);
        Assert.That(keptIds.Where(_rig.ElevenLabs.DeletedConversations.Contains), Is.Empty, "no DELETE for its conversations");
        var (own, ownBody, _) = await _app.PostAsync(new { action = "get_session", conversationId = kept }, Alice);
        Assert.That(own, Is.EqualTo(200), ownBody.ToJsonString());
    }

    [Test]
    public async Task AnotherCallersDeleteSessionIsNotFoundAndDeletesNothing()
    {
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();
        var documents = StoredDocuments(id);
        var elevenLabsRequests = _rig.ElevenLabs.Server.LogEntries.Count();

        var (status, body, _) = await _app.PostAsync(new { action = "delete_session", conversationId = id }, Mallory);
        var (unknown, unknownBody, _) = await _app.PostAsync(new { action = "delete_session", conversationId = "conv_" + Guid.NewGuid().ToString("N") }, Mallory);

        Assert.That(status, Is.EqualTo(404), body.ToJsonString());
        ContractTests.AssertError(body, "session_not_found");
        Assert.That(body.Where(p => p.Key != "requestId").Select(p => p.ToString()),
            Is.EqualTo(unknownBody.Where(p => p.Key != "requestId").Select(p => p.ToString())), "exactly what an unknown id answers");
        Assert.That(unknown, Is.EqualTo(404));
        Assert.That(StoredDocuments(id), Is.EqualTo(documents), "every document as it was");
        Assert.That(S(SessionDocument(id)!["status"]), Is.EqualTo("ended"), "not even marked");
        Assert.That(await RecordingsAsync(id), Has.Count.EqualTo(2));
        Assert.That(elevenLabsIds.Select(_rig.ElevenLabs.HasConversation), Is.All.True);
        Assert.That(_rig.ElevenLabs.Server.LogEntries.Count(), Is.EqualTo(elevenLabsRequests), "ElevenLabs was not asked for anything");

        var (own, ownBody, _) = await _app.PostAsync(new { action = "get_session", conversationId = id }, Alice);
        Assert.That(own, Is.EqualTo(200), ownBody.ToJsonString());
    }

    /// <summary>
    /// Alice's session with two ElevenLabs conversations (the create's and a re-issue's), each with a stored call whose
    /// transcript is split into parts (the transcription webhook) and a recording (the audio webhook), both held by ElevenLabs.
    /// </summary>
    private async Task<(string Id, string[] ElevenLabsIds)> SessionWithTwoCallsAsync()
    {
        var (status, created, _) = await _app.PostAsync(new { action = "create_session", userId = "user123", candidateId = "candidate456" }, Alice);
        Assert.That(status, Is.EqualTo(200), created.ToJsonString());
        var id = created["conversationId"]!.GetValue<string>();
        var (reissued, reissue, _) = await _app.PostAsync(new { action = "get_signed_url", conversationId = id }, Alice);
        Assert.That(reissued, Is.EqualTo(200), reissue.ToJsonString());
        var elevenLabsIds = _rig.ElevenLabs.IssuedConversationIds.TakeLast(2).ToArray();

        var turn = new string('x', 300_000) + " billing";
        foreach (var elevenLabsId in elevenLabsIds)
        {
            _rig.ElevenLabs.StoreConversation(elevenLabsId);
            var (delivered, ack) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId,
                turns: [("agent", turn), ("user", turn), ("agent", turn), ("user", turn)]));
            Assert.That((delivered, ack["matched"]?.GetValue<bool>()), Is.EqualTo((200, (bool?)true)), ack.ToJsonString());

            var size = 96L * 1024;
            var signature = await WebhookSigner.HeaderAsync(_secret, DateTimeOffset.UtcNow, new AudioEventStream(elevenLabsId, size));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new StreamContent(new AudioEventStream(elevenLabsId, size)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, signature);
            using var audio = await _app.Client.SendAsync(request);
            Assert.That((int)audio.StatusCode, Is.EqualTo(200), await audio.Content.ReadAsStringAsync());
        }

        Assert.That(StoredDocuments(id).Count(d => !d.Contains("/transcript/", StringComparison.Ordinal)), Is.EqualTo(3), "the session and its two calls");
        return (id, elevenLabsIds);
    }

    private async Task AssertGoneEverywhereAsync(string id, string[] elevenLabsIds)
    {
        Assert.That(elevenLabsIds.Select(_rig.ElevenLabs.HasConversation), Is.All.False, "ElevenLabs has neither conversation");
        Assert.That(StoredDocuments(id), Is.Empty, "Firestore has no session, call or transcript part document left");
        Assert.That(await RecordingsAsync(id), Is.Empty, "Blob Storage has no recording left");
        var (status, body, _) = await _app.PostAsync(new { action = "get_session", conversationId = id }, Alice);
        Assert.That(status, Is.EqualTo(404), body.ToJsonString());
    }

    /// <summary>Every other action on the session answers it as not found (the owner's detail says it is being deleted).</summary>
    private async Task AssertGoneToEveryActionAsync(string id)
    {
        foreach (var action in new[] { "get_session", "get_signed_url", "get_conversation_token", "end_session", "get_results", "get_recording" })
        {
            var (gone, goneBody, _) = await _app.PostAsync(new { action, conversationId = id }, Alice);
            Assert.That(gone, Is.EqualTo(404), $"{action}: {goneBody.ToJsonString()}");
            ContractTests.AssertError(goneBody, "session_not_found");
        }
    }

    /// <summary>Another session of Alice's, with its document as stored: what an erasure must leave alone.</summary>
    private async Task<(string Id, Dictionary<string, string> Documents)> BystanderAsync()
    {
        var (status, created, _) = await _app.PostAsync(new { action = "create_session", userId = "user123", candidateId = "candidate789" }, Alice);
        Assert.That(status, Is.EqualTo(200), created.ToJsonString());
        var id = created["conversationId"]!.GetValue<string>();
        return (id, Snapshot(id));
    }

    private async Task AssertUntouchedAsync((string Id, Dictionary<string, string> Documents) bystander)
    {
        Assert.That(Snapshot(bystander.Id), Is.EqualTo(bystander.Documents), "another session's documents are as they were");
        var (status, body, _) = await _app.PostAsync(new { action = "get_session", conversationId = bystander.Id }, Alice);
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
    }

    /// <summary>The session's documents (<see cref="StoredDocuments"/>) with their fields as stored, by name.</summary>
    private Dictionary<string, string> Snapshot(string id) =>
        StoredDocuments(id).ToDictionary(d => d, d => _rig.Firestore.Documents[d].Fields.ToJsonString(), StringComparer.Ordinal);

    private void AssertUnchanged(Dictionary<string, string> before, IEnumerable<string> names, string because)
    {
        foreach (var name in names)
        {
            Assert.That(_rig.Firestore.Documents[name].Fields.ToJsonString(), Is.EqualTo(before[name]), $"{because}: {name}");
        }
    }

    /// <summary>The sweep's timer, now: the hosted sweep's use case self-hosted, the timer function through the host's admin path.</summary>
    private async Task RunTimerAsync()
    {
        if (_app is FunctionsHostStandIn functions)
        {
            var run = await functions.InvokeAsync(SweepFunction.Name);
            Assert.That(run.Succeeded, Is.True, run.Exception);
            return;
        }

        await _app.Services.GetRequiredService<SessionSweeper>().RunAsync();
    }

    /// <summary>Every Firestore document of the session: its own, its calls', their transcript parts' (full names, sorted).</summary>
    private List<string> StoredDocuments(string id) =>
        [.. _rig.Firestore.Documents.Keys.Where(k => k.EndsWith("/documents/conversation-sessions/" + id, StringComparison.Ordinal)
            || k.Contains("/documents/conversation-sessions/" + id + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private JsonObject? SessionDocument(string id) =>
        _rig.Firestore.Documents.FirstOrDefault(d => d.Key.EndsWith("/documents/conversation-sessions/" + id, StringComparison.Ordinal)).Value.Fields;

    /// <summary>The session's blobs in the recordings container, read from Azurite with the account's key.</summary>
    private async Task<List<string>> RecordingsAsync(string id)
    {
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(RecordingsOptions.DefaultContainer);
        var names = new List<string>();
        if (!(await container.ExistsAsync()).Value)
        {
            return names;
        }

        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id + "/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private async Task<(int Status, JsonObject Body)> DeliverAsync(JsonObject @event)
    {
        var body = ElevenLabsEvents.Bytes(@event);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, WebhookSigner.Header(_secret, DateTimeOffset.UtcNow, body));
        using var response = await _app.Client.SendAsync(request);
        return ((int)response.StatusCode, await AppHost.ReadAsync(response));
    }

    /// <summary>The properties of the custom event <paramref name="name"/> about session <paramref name="id"/>, as ingestion received it (waits for the channel's send).</summary>
    private async Task<JsonObject> EventAsync(string name, string id)
    {
        for (var attempt = 0; attempt < 240; attempt++)
        {
            var match = _insights.Items.Where(i => i.BaseType == "EventData" && i.Name == name)
                .Select(i => JsonNode.Parse(i.Json)!["data"]!["baseData"]!["properties"]!.AsObject())
                .FirstOrDefault(p => p["ConversationId"]?.GetValue<string>() == id);
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(250);
        }

        throw new AssertionException($"No {name} event for {id} reached ingestion in 60 s");
    }

    private static string S(JsonNode? value) => value is JsonObject typed ? typed["stringValue"]!.GetValue<string>() : value!.GetValue<string>();

    private static int Int(JsonNode? value) => value!.GetValue<int>();

    /// <summary>The answer's <c>data.removed</c>: ElevenLabs conversations, recordings, calls, transcript parts.</summary>
    private static (int Conversations, int Recordings, int Calls, int TranscriptParts) Removed(JsonNode answer)
    {
        var removed = answer["data"]!["removed"]!;
        return (Int(removed["elevenLabsConversations"]), Int(removed["recordings"]), Int(removed["calls"]), Int(removed["transcriptParts"]));
    }
}
