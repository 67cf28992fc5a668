using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Webhooks;

/// <summary>
/// ElevenLabs' post-call webhook over HTTP, with Firestore (the REST stand-in) behind the app: signatures computed here
/// with a secret generated for the run, calls linked to their sessions and stored, refusals that store nothing.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class WebhookTests(HostKind host) : FirestoreAppFixture(host)
{
    private const string Project = "replit-4f946";
    private readonly string _secret = WebhookSigner.NewSecret();

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings => [("ElevenLabs:WebhookSecret", _secret)];

    private JsonObject? Session(string id) => Rig.Firestore.Document(Project, "conversation-sessions", id);

    private JsonObject? Call(string sessionId, string elevenLabsId) =>
        Rig.Firestore.Document(Project, $"conversation-sessions/{sessionId}/calls", elevenLabsId);

    private JsonObject? Unmatched(string elevenLabsId) => Rig.Firestore.Document(Project, "elevenlabs-unmatched-calls", elevenLabsId);

    private static string S(JsonNode? field) => field!["stringValue"]!.GetValue<string>();

    private static string NewElevenLabsId() => "conv_" + Guid.NewGuid().ToString("N");

    private int FirestoreCalls => Rig.Firestore.Requests.Count(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal));

    private async Task<(int Status, JsonObject Body)> DeliverAsync(byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, signature);
        }

        using var response = await App.Client.SendAsync(request);
        return ((int)response.StatusCode, await AppHost.ReadAsync(response));
    }

    private Task<(int Status, JsonObject Body)> DeliverAsync(JsonObject @event)
    {
        var body = ElevenLabsEvents.Bytes(@event);
        return DeliverAsync(body, WebhookSigner.Header(_secret, DateTimeOffset.UtcNow, body));
    }

    private async Task<(string SessionId, string ElevenLabsId)> CreateSessionAsync()
    {
        Rig.ElevenLabs.IssueFreshConversationIds();
        var (status, created, _) = await App.PostAsync(new { action = "create_session", userId = "user123" });
        Assert.That(status, Is.EqualTo(200), created.ToJsonString());
        return (created["conversationId"]!.GetValue<string>(), Rig.ElevenLabs.IssuedConversationIds[^1]);
    }

    [Test]
    public async Task ATranscriptionIsStoredWithItsSessionWhichEndsByTheWebhook()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();

        var (status, body) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId));

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        var call = Call(sessionId, elevenLabsId) ?? throw new AssertionException("no call document");
        Assert.That(S(call["elevenLabsConversationId"]), Is.EqualTo(elevenLabsId));
        Assert.That(S(call["conversationId"]), Is.EqualTo(sessionId));
        Assert.That(S(call["matchedBy"]), Is.EqualTo("elevenLabsConversationId"));
        Assert.That(S(call["status"]), Is.EqualTo("done"));
        Assert.That(call["receivedAt"]!["timestampValue"], Is.Not.Null);
        var turns = call["transcript"]!["arrayValue"]!["values"]!.AsArray();
        Assert.That(turns, Has.Count.EqualTo(3));
        Assert.That(S(turns[1]!["mapValue"]!["fields"]!["message"]), Is.EqualTo("I rebuilt our billing pipeline – 面接 🎙️."));
        Assert.That(S(turns[1]!["mapValue"]!["fields"]!["role"]), Is.EqualTo("user"));
        Assert.That(turns[1]!["mapValue"]!["fields"]!["time_in_call_secs"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("7"));
        var analysis = call["analysis"]!["mapValue"]!["fields"]!;
        Assert.That(S(analysis["call_successful"]), Is.EqualTo("success"));
        Assert.That(analysis["data_collection_results"]!["mapValue"]!["fields"]!["years_experience"]!["mapValue"]!["fields"]!["value"]!["integerValue"]!.GetValue<string>(),
            Is.EqualTo("7"));
        Assert.That(call["metadata"]!["mapValue"]!["fields"]!["call_duration_secs"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("754"));

        var session = Session(sessionId)!;
        Assert.That(S(session["status"]), Is.EqualTo("ended"));
        Assert.That(S(session["endedBy"]), Is.EqualTo("webhook"));
        Assert.That(session["endedAt"]!["timestampValue"], Is.Not.Null);
        var lastCall = session["lastCall"]!["mapValue"]!["fields"]!;
        Assert.That(S(lastCall["elevenLabsConversationId"]), Is.EqualTo(elevenLabsId));
        Assert.That(S(lastCall["status"]), Is.EqualTo("done"));
        Assert.That(lastCall["callDurationSecs"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("754"));
        Assert.That(S(lastCall["callSuccessful"]), Is.EqualTo("success"));
        Assert.That(S(lastCall["transcriptSummary"]), Is.EqualTo("The candidate described rebuilding a billing pipeline."));
        Assert.That(S(lastCall["terminationReason"]), Is.EqualTo("end_call tool was called."));
        Assert.That(lastCall["startedAt"]!["timestampValue"]!.GetValue<string>(), Does.StartWith("2025-11-25T10:00:00"));

        var (_, read, _) = await App.PostAsync(new { action = "get_session", conversationId = sessionId });
        Assert.That(read["data"]!["lastCall"]!["callSuccessful"]!.GetValue<string>(), Is.EqualTo("success"));
        Assert.That(read["data"]!["endedBy"]!.GetValue<string>(), Is.EqualTo("webhook"));
        Assert.That(read.ToJsonString(), Does.Not.Contain("billing pipeline –"), "get_session carries no transcript");
        Assert.That(App.LogText(), Does.Not.Contain(_secret), "the webhook secret is never logged");
    }

    /// <summary>
    /// Firestore failing on the call paths (the webhook's reads and its one :commit of call and session, get_results,
    /// get_recording) is the envelope: unreachable or busy past the retries is 503 with Retry-After (ElevenLabs' retry,
    /// or the client's, comes back), a refused commit is the contract's 500 store_error; never a bare 500, and a failed
    /// delivery leaves nothing half-written.
    /// </summary>
    [Test]
    public async Task FirestoreFailingOnTheCallPathsIsTheEnvelopeWithRetryAfterAndWritesNothing()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        var before = Session(sessionId)!.ToJsonString();
        var @event = ElevenLabsEvents.Transcription(elevenLabsId);

        Rig.Firestore.Down = true;
        var webhookDown = await DeliverWithHeadersAsync(@event);
        var (resultsDown, resultsDownBody, resultsDownAnswer) = await App.PostAsync(new { action = "get_results", conversationId = sessionId });
        var (recordingDown, recordingDownBody, recordingDownAnswer) = await App.PostAsync(new { action = "get_recording", conversationId = sessionId });
        Rig.Firestore.Down = false;
        Rig.Firestore.Fail("UNAVAILABLE", 503, count: 50); // busy past the bounded retries
        var webhookBusy = await DeliverWithHeadersAsync(@event);
        Rig.Firestore.ClearFaults();
        Rig.Firestore.BeforeCommit = () => Task.FromResult(false); // the one commit of call and session refused: PERMISSION_DENIED
        var refused = await DeliverWithHeadersAsync(@event);
        Rig.Firestore.BeforeCommit = null;

        foreach (var (name, status, body, retryAfter) in new[]
        {
            ("webhook, Firestore unreachable", webhookDown.Status, webhookDown.Body, webhookDown.RetryAfter),
            ("get_results, Firestore unreachable", resultsDown, resultsDownBody, resultsDownAnswer.Headers.RetryAfter),
            ("get_recording, Firestore unreachable", recordingDown, recordingDownBody, recordingDownAnswer.Headers.RetryAfter),
            ("webhook, Firestore busy", webhookBusy.Status, webhookBusy.Body, webhookBusy.RetryAfter),
        })
        {
            Assert.That(status, Is.EqualTo(503), name + ": " + body.ToJsonString());
            Api.ContractTests.AssertError(body, "store_unavailable");
            Assert.That(retryAfter, Is.Not.Null, name + ": Retry-After");
        }

        Assert.That(refused.Status, Is.EqualTo(500), refused.Body.ToJsonString());
        Api.ContractTests.AssertError(refused.Body, "store_error");
        Assert.That(Call(sessionId, elevenLabsId), Is.Null, "no call document from a failed delivery");
        Assert.That(Session(sessionId)!.ToJsonString(), Is.EqualTo(before), "the session as it was");

        var (redelivered, redeliveredBody) = await DeliverAsync(@event);
        Assert.That(redelivered, Is.EqualTo(200), redeliveredBody.ToJsonString());
        Assert.That(Call(sessionId, elevenLabsId), Is.Not.Null, "the redelivery, once Firestore is back, is stored");
    }

    private async Task<(int Status, JsonObject Body, RetryConditionHeaderValue? RetryAfter)> DeliverWithHeadersAsync(JsonObject @event)
    {
        var body = ElevenLabsEvents.Bytes(@event);
        using var request = WebhookSigner.Request(_secret, DateTimeOffset.UtcNow, body);
        using var response = await App.Client.SendAsync(request);
        return ((int)response.StatusCode, await AppHost.ReadAsync(response), response.Headers.RetryAfter);
    }

    public static IEnumerable<TestCaseData> Forgeries()
    {
        yield return new TestCaseData("tampered body").SetName("ATamperedBodyIsRefused");
        yield return new TestCaseData("wrong secret").SetName("AnotherSecretIsRefused");
        yield return new TestCaseData("31 minutes old").SetName("ATimestampOverThirtyMinutesOldIsRefused");
        yield return new TestCaseData("6 minutes ahead").SetName("ATimestampOverFiveMinutesAheadIsRefused");
        yield return new TestCaseData("missing header").SetName("AMissingHeaderIsRefused");
        yield return new TestCaseData("malformed header").SetName("AMalformedHeaderIsRefused");
        yield return new TestCaseData("signature of another timestamp").SetName("ASignatureMadeForAnotherTimestampIsRefused");
    }

    [TestCaseSource(nameof(Forgeries))]
    public async Task ForgedDeliveriesAreRefusedAndWriteNothing(string forgery)
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        var sessionBefore = Session(sessionId)!.ToJsonString();
        var body = ElevenLabsEvents.Bytes(ElevenLabsEvents.Transcription(elevenLabsId));
        var now = DateTimeOffset.UtcNow;
        var (sent, signature) = forgery switch
        {
            "tampered body" => (Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\"success\"", "\"failure\"", StringComparison.Ordinal)),
                WebhookSigner.Header(_secret, now, body)),
            "wrong secret" => (body, WebhookSigner.Header(WebhookSigner.NewSecret(), now, body)),
            "31 minutes old" => (body, WebhookSigner.Header(_secret, now.AddMinutes(-31), body)),
            "6 minutes ahead" => (body, WebhookSigner.Header(_secret, now.AddMinutes(6), body)),
            "missing header" => (body, (string?)null),
            "malformed header" => (body, "v0=" + WebhookSigner.V0(_secret, now.ToUnixTimeSeconds(), body)),
            _ => (body, $"t={now.ToUnixTimeSeconds()},v0={WebhookSigner.V0(_secret, now.ToUnixTimeSeconds() - 1, body)}"),
        };
        var callsBefore = FirestoreCalls;

        var (status, answer) = await DeliverAsync(sent, signature);

        Assert.That(status, Is.EqualTo(401), answer.ToJsonString());
        Api.ContractTests.AssertError(answer, "invalid_signature");
        Assert.That(FirestoreCalls, Is.EqualTo(callsBefore), "Firestore is not touched for a refused delivery");
        Assert.That(Call(sessionId, elevenLabsId), Is.Null);
        Assert.That(Unmatched(elevenLabsId), Is.Null);
        Assert.That(Session(sessionId)!.ToJsonString(), Is.EqualTo(sessionBefore));
    }

    [Test]
    public async Task AnyOfSeveralSignaturesMayMatch()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        var body = ElevenLabsEvents.Bytes(ElevenLabsEvents.Transcription(elevenLabsId));
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = $"t={t},v0={WebhookSigner.V0(WebhookSigner.NewSecret(), t, body)},v0={WebhookSigner.V0(_secret, t, body)}";

        var (status, answer) = await DeliverAsync(body, header);

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        Assert.That(Call(sessionId, elevenLabsId), Is.Not.Null);
    }

    [Test]
    public async Task TheSameEventDeliveredTwiceLeavesTheSameDocuments()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        var @event = ElevenLabsEvents.Transcription(elevenLabsId);
        var (first, _) = await DeliverAsync(@event);
        var after = Snapshot();

        var (second, answer) = await DeliverAsync(@event);

        Assert.That((first, second), Is.EqualTo((200, 200)), answer.ToJsonString());
        Assert.That(Snapshot(), Is.EqualTo(after), "fields and update times alike");
        Assert.That(after.Keys, Has.Some.EndsWith($"/calls/{elevenLabsId}"));
        Assert.That(S(Session(sessionId)!["status"]), Is.EqualTo("ended"));
    }

    [Test]
    public async Task ALaterDeliveryReplacesTheCallAndLastCallTogetherAndAnEarlierOrEqualOneChangesNothing()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        JsonObject Event(long sentAt, string summary)
        {
            var @event = ElevenLabsEvents.Transcription(elevenLabsId);
            @event["event_timestamp"] = sentAt;
            @event["data"]!["analysis"]!["transcript_summary"] = summary;
            return @event;
        }

        string StoredSummary() => S(Call(sessionId, elevenLabsId)!["analysis"]!["mapValue"]!["fields"]!["transcript_summary"]);
        string LastCallSummary() => S(Session(sessionId)!["lastCall"]!["mapValue"]!["fields"]!["transcriptSummary"]);
        Assert.That((await DeliverAsync(Event(1_764_065_600, "First analysis."))).Item1, Is.EqualTo(200));

        var (later, _) = await DeliverAsync(Event(1_764_065_660, "Analysis run again."));

        Assert.That(later, Is.EqualTo(200));
        Assert.That((StoredSummary(), LastCallSummary()), Is.EqualTo(("Analysis run again.", "Analysis run again.")), "the call document and lastCall agree");
        Assert.That(Call(sessionId, elevenLabsId)!["eventTimestamp"]!["timestampValue"]!.GetValue<string>(), Does.StartWith("2025-11-25T10:14:20"));
        var after = Snapshot();

        var (earlier, _) = await DeliverAsync(Event(1_764_065_630, "A retry of an older delivery."));
        var (equal, _) = await DeliverAsync(Event(1_764_065_660, "Same time, other text."));

        Assert.That((earlier, equal), Is.EqualTo((200, 200)));
        Assert.That(Snapshot(), Is.EqualTo(after), "an earlier or equal event_timestamp changes nothing");
    }

    [Test]
    public async Task AReplacementWithAShorterTranscriptRemovesTheSurplusParts()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        var message = string.Concat(Enumerable.Repeat("Ich habe die Abrechnung neu gebaut – 面接. ", 100));
        var big = ElevenLabsEvents.Transcription(elevenLabsId, turns: Enumerable.Range(0, 600).Select(i => (i % 2 == 0 ? "agent" : "user", $"{i}: {message}")));
        Assert.That((await DeliverAsync(big)).Item1, Is.EqualTo(200));
        Assert.That(Rig.Firestore.Documents.Keys.Count(k => k.Contains($"/calls/{elevenLabsId}/transcript/", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(3));
        var small = ElevenLabsEvents.Transcription(elevenLabsId);
        small["event_timestamp"] = big["event_timestamp"]!.GetValue<long>() + 60;

        var (status, _) = await DeliverAsync(small);

        Assert.That(status, Is.EqualTo(200));
        Assert.That(Rig.Firestore.Documents.Keys.Count(k => k.Contains($"/calls/{elevenLabsId}/transcript/", StringComparison.Ordinal)), Is.Zero);
        Assert.That(Call(sessionId, elevenLabsId)!["transcript"]!["arrayValue"]!["values"]!.AsArray(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task GetResultsJoinsSplitTranscriptsInOrderAndPagesByCall()
    {
        var (sessionId, first) = await CreateSessionAsync();
        Rig.ElevenLabs.IssueFreshConversationIds();
        var (issued, _, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = sessionId });
        Assert.That(issued, Is.EqualTo(200));
        var second = Rig.ElevenLabs.IssuedConversationIds[^1];
        var message = string.Concat(Enumerable.Repeat("Ich habe die Abrechnung neu gebaut – 面接. ", 100)); // ~4.6 KB
        var turns = Enumerable.Range(0, 300).Select(i => (i % 2 == 0 ? "agent" : "user", $"{i}: {message}")).ToList(); // ~1.4 MB: 2 parts
        Assert.That((await DeliverAsync(ElevenLabsEvents.Transcription(first, turns: turns))).Item1, Is.EqualTo(200));
        Assert.That((await DeliverAsync(ElevenLabsEvents.Transcription(second, turns: turns, callSuccessful: "failure"))).Item1, Is.EqualTo(200));
        Assert.That(Call(sessionId, first)!.ContainsKey("transcriptParts"), Is.True, "stored in parts");

        var (status, page1, _) = await App.PostAsync(new { action = "get_results", conversationId = sessionId });

        Assert.That(status, Is.EqualTo(200), page1.ToJsonString());
        var calls = page1["data"]!["calls"]!.AsArray();
        Assert.That(calls.Select(c => c!["elevenLabsConversationId"]!.GetValue<string>()), Is.EqualTo(new[] { first }), "about 1 MB of transcript per page");
        Assert.That(calls[0]!["transcript"]!.AsArray().Select(t => t!["message"]!.GetValue<string>()), Is.EqualTo(turns.Select(t => t.Item2)),
            "every turn, joined from the parts, in order");
        Assert.That(calls[0]!["transcript"]![1]!["role"]!.GetValue<string>(), Is.EqualTo("user"));
        Assert.That(calls[0]!["transcript"]![1]!["timeInCallSecs"]!.GetValue<long>(), Is.EqualTo(7));
        var analysis = calls[0]!["analysis"]!;
        Assert.That(analysis["callSuccessful"]!.GetValue<string>(), Is.EqualTo("success"));
        Assert.That(analysis["evaluationCriteriaResults"]!["communication"]!["result"]!.GetValue<string>(), Is.EqualTo("success"));
        Assert.That(analysis["dataCollectionResults"]!["years_experience"]!["value"]!.GetValue<int>(), Is.EqualTo(7));
        Assert.That(calls[0]!["callDurationSecs"]!.GetValue<long>(), Is.EqualTo(754));
        Assert.That(calls[0]!["terminationReason"]!.GetValue<string>(), Is.EqualTo("end_call tool was called."));
        Assert.That(calls[0]!["recordingAvailable"]!.GetValue<bool>(), Is.False, "recordings are off here");
        var cursor = page1["data"]!["nextCursor"]!.GetValue<string>();

        var (_, page2, _) = await App.PostAsync(new { action = "get_results", conversationId = sessionId, callCursor = cursor });

        var rest = page2["data"]!["calls"]!.AsArray();
        Assert.That(rest.Select(c => c!["elevenLabsConversationId"]!.GetValue<string>()), Is.EqualTo(new[] { second }));
        Assert.That(rest[0]!["analysis"]!["callSuccessful"]!.GetValue<string>(), Is.EqualTo("failure"));
        Assert.That(page2["data"]!.AsObject().ContainsKey("nextCursor"), Is.False, "the last page");
        Assert.That(App.LogText(), Does.Not.Contain("Abrechnung"), "no transcript in the logs");
    }

    private Dictionary<string, string> Snapshot() =>
        Rig.Firestore.Documents.ToDictionary(d => d.Key, d => d.Value.Fields.ToJsonString() + "@" + d.Value.UpdateTime);

    [Test]
    public async Task ACallNoSessionMatchesIsKeptAndAnswered()
    {
        var elevenLabsId = NewElevenLabsId();

        var (status, answer) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId, sessionId: "conv_no_such_session"));

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        var kept = Unmatched(elevenLabsId) ?? throw new AssertionException("the unmatched call was not stored");
        Assert.That(S(kept["elevenLabsConversationId"]), Is.EqualTo(elevenLabsId));
        Assert.That(kept["conversationId"]!["nullValue"], Is.Null);
        Assert.That(kept["transcript"]!["arrayValue"]!["values"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(App.LogMessages(LogLevel.Warning), Has.Some.Contains(elevenLabsId).And.Contains("matches no session"));
    }

    [Test]
    public async Task AWebRtcCallIsLinkedThroughTheSessionIdTheClientPassedOn()
    {
        Rig.ElevenLabs.TokensCarryConversationIds = false; // an answer without conversation_id: the session id is the only link
        var (_, token, _) = await App.PostAsync(new { action = "get_conversation_token", userId = "user123" });
        var sessionId = token["conversationId"]!.GetValue<string>();
        var passedOn = token["conversationInitiation"]!["dynamicVariables"]!["session_id"]!.GetValue<string>();
        var elevenLabsId = NewElevenLabsId(); // ElevenLabs' id of a WebRTC call: the server never saw it

        var (status, answer) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId, sessionId: passedOn));

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        var call = Call(sessionId, elevenLabsId) ?? throw new AssertionException("the call was not stored with its session");
        Assert.That(S(call["matchedBy"]), Is.EqualTo("sessionId"));
        var session = Session(sessionId)!;
        Assert.That(session["elevenLabsConversationIds"]!["arrayValue"]!["values"]!.AsArray().Select(v => S(v)), Is.EqualTo(new[] { elevenLabsId }));
        Assert.That(S(session["elevenLabsConversationId"]), Is.EqualTo(elevenLabsId));
        Assert.That(S(session["endedBy"]), Is.EqualTo("webhook"));
        Assert.That(Unmatched(elevenLabsId), Is.Null);
    }

    [Test]
    public async Task ASessionIdDoesNotMoveACallAlreadyLinkedToAnotherSession()
    {
        var (owner, elevenLabsId) = await CreateSessionAsync();
        var (_, other, _) = await App.PostAsync(new { action = "get_conversation_token" });
        var otherId = other["conversationId"]!.GetValue<string>();
        var otherBefore = Session(otherId)!.ToJsonString();

        var (status, _) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId, sessionId: otherId));

        Assert.That(status, Is.EqualTo(200));
        Assert.That(Call(owner, elevenLabsId), Is.Not.Null, "the session that holds the id keeps the call");
        Assert.That(Call(otherId, elevenLabsId), Is.Null);
        Assert.That(Session(otherId)!.ToJsonString(), Is.EqualTo(otherBefore), "the session the client named is untouched");
    }

    [Test]
    public async Task AClientsEndIsKeptWhenTheCallIsReportedLater()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        await App.PostAsync(new { action = "end_session", conversationId = sessionId });
        var endedAt = Session(sessionId)!["endedAt"]!.ToJsonString();

        var (status, _) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId));

        Assert.That(status, Is.EqualTo(200));
        var session = Session(sessionId)!;
        Assert.That(S(session["endedBy"]), Is.EqualTo("client"));
        Assert.That(session["endedAt"]!.ToJsonString(), Is.EqualTo(endedAt), "the first endedAt is never overwritten");
        Assert.That(S(session["lastCall"]!["mapValue"]!["fields"]!["elevenLabsConversationId"]), Is.EqualTo(elevenLabsId));
    }

    [Test]
    public async Task AnAuthenticBodyThatIsNotJsonIsABadRequestAndStoresNothing()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"post_call_transcription\",\"data\":{\"conversation_id\":\"conv_x\"");
        var callsBefore = FirestoreCalls;

        var (status, answer) = await DeliverAsync(body, WebhookSigner.Header(_secret, DateTimeOffset.UtcNow, body));

        Assert.That(status, Is.EqualTo(400), answer.ToJsonString());
        Api.ContractTests.AssertError(answer, "invalid_json");
        Assert.That(FirestoreCalls, Is.EqualTo(callsBefore));
    }

    [TestCase("call_initiation_failure")]
    [TestCase("post_call_audio")]
    [TestCase("a_type_added_later")]
    public async Task OtherEventTypesAreAnsweredAndStoreNothing(string type)
    {
        var @event = ElevenLabsEvents.InitiationFailure(NewElevenLabsId());
        @event["type"] = type;
        var callsBefore = FirestoreCalls;

        var (status, answer) = await DeliverAsync(@event);

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        Assert.That(FirestoreCalls, Is.EqualTo(callsBefore));
        Assert.That(App.LogMessages(LogLevel.Information), Has.Some.Contains(type));
    }

    [Test]
    public async Task ABodyDeclaredOverSixtyFourMebibytesIsRefusedBeforeItIsRead()
    {
        var stream = new AudioEventStream(NewElevenLabsId(), 64L * 1024 * 1024 + 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new StreamContent(stream) };
        request.Content.Headers.ContentLength = stream.Length;
        request.Headers.ExpectContinue = true; // so the early answer arrives before the client has sent the body
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName,
            $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v0={new string('0', 64)}");
        var callsBefore = FirestoreCalls;

        using var response = await App.Client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(413));
        Api.ContractTests.AssertError(await AppHost.ReadAsync(response), "payload_too_large");
        Assert.That(stream.Position, Is.LessThan(stream.Length), "the answer came before the body was sent");
        Assert.That(FirestoreCalls, Is.EqualTo(callsBefore));
    }

    [Test]
    public async Task ATranscriptOverOneDocumentIsSplitAcrossNumberedParts()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        var message = string.Concat(Enumerable.Repeat("Ich habe die Abrechnung neu gebaut – 面接. ", 100)); // ~4.6 KB
        var turns = Enumerable.Range(0, 600).Select(i => (i % 2 == 0 ? "agent" : "user", $"{i}: {message}")).ToList();

        var (status, answer) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId, turns: turns));

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        var call = Call(sessionId, elevenLabsId)!;
        var parts = int.Parse(call["transcriptParts"]!["integerValue"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(parts, Is.GreaterThanOrEqualTo(3), "about 2.8 MB of turns");
        Assert.That(call.ContainsKey("transcript"), Is.False);
        var stored = new List<string>();
        for (var part = 1; part <= parts; part++)
        {
            var document = Rig.Firestore.Document(Project, $"conversation-sessions/{sessionId}/calls/{elevenLabsId}/transcript", part.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))
                ?? throw new AssertionException($"part {part} is missing");
            stored.AddRange(document["turns"]!["arrayValue"]!["values"]!.AsArray().Select(t => S(t!["mapValue"]!["fields"]!["message"])));
        }

        Assert.That(stored, Is.EqualTo(turns.Select(t => t.Item2)), "every turn, in order, once");
    }

    [Test]
    public async Task AnalysisFirestoreCannotHoldAsItIsIsKeptAsText()
    {
        var (sessionId, elevenLabsId) = await CreateSessionAsync();
        var deep = new JsonObject();
        var node = deep;
        for (var i = 0; i < 30; i++)
        {
            var next = new JsonObject();
            node["level"] = next;
            node = next;
        }

        var extra = new JsonObject
        {
            ["matrix"] = new JsonArray(new JsonArray(1, 2), new JsonArray(3, 4)),
            ["deep"] = deep,
            ["odd_keys"] = new JsonObject { [""] = 1, ["__name__"] = 2 },
        };

        var (status, answer) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId, analysisExtra: extra));

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        var analysis = Call(sessionId, elevenLabsId)!["analysis"]!["mapValue"]!["fields"]!;
        Assert.That(JsonNode.Parse(S(analysis["matrix"]!["arrayValue"]!["values"]![0]))!.ToJsonString(), Is.EqualTo("[1,2]"));
        Assert.That(JsonNode.Parse(S(analysis["odd_keys"]))!.ToJsonString(), Is.EqualTo("""{"":1,"__name__":2}"""));
        Assert.That(S(analysis["call_successful"]), Is.EqualTo("success"), "the rest is stored as maps");
    }

    [Test]
    public async Task DeliveriesAreAnsweredQuicklyWithFirestoreAtTwentyFiveMilliseconds()
    {
        Rig.Firestore.Latency = TimeSpan.FromMilliseconds(25);
        try
        {
            var latencies = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var (_, elevenLabsId) = await CreateSessionAsync();
                var started = Stopwatch.GetTimestamp();
                var (status, answer) = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId));
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
            }

            latencies.Sort();
            TestContext.Progress.WriteLine($"WEBHOOK: 20 transcription deliveries with Firestore at 25 ms per call: " +
                $"p50 {latencies[9]:F0} ms, p95 {latencies[18]:F0} ms, max {latencies[^1]:F0} ms (the issue asks p95 < 1 s)");
        }
        finally
        {
            Rig.Firestore.Latency = TimeSpan.Zero;
        }
    }
}
