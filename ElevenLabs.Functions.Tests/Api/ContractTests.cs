using System.Net;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>
/// The Cloud Function's contract over real HTTP, under both hosts: ElevenLabs a WireMock stand-in, the sessions in the
/// Firestore stand-in, whose stored documents the tests read. Times are the real clock's: what the app stamps lies
/// between the clock's readings before and after the request (the test and the app share the machine's clock).
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class ContractTests(HostKind host) : FirestoreAppFixture(host)
{
    private ElevenLabsStandIn ElevenLabsApi => Rig.ElevenLabs;

    /// <summary>The session's stored document (Firestore's typed fields).</summary>
    private JsonObject Stored(string id) => Rig.Firestore.Document("replit-4f946", "conversation-sessions", id)
        ?? throw new AssertionException($"no stored session {id}");

    private static string Text(JsonObject document, string field) => document[field]!["stringValue"]!.GetValue<string>();

    private static DateTimeOffset Time(JsonObject document, string field) => DateTimeOffset.Parse(document[field]!["timestampValue"]!.GetValue<string>());

    private static IEnumerable<string> Texts(JsonObject document, string field) =>
        document[field]!["arrayValue"]!["values"]!.AsArray().Select(v => v!["stringValue"]!.GetValue<string>());

    /// <summary>The clock now, down to the microsecond Firestore keeps (so a stamp taken right after is never before it).</summary>
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero);
    }

    private async Task<JsonObject> CreateAsync()
    {
        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "user123" });
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        return body;
    }

    [Test]
    public async Task GetAnswersHealthyWithoutCallingElevenLabs()
    {
        var before = Now();
        var response = await App.Client.GetAsync("/elevenlabs-conversation");
        var after = DateTimeOffset.UtcNow;
        var body = await AppHost.ReadAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
        Assert.That(body["service"]!.GetValue<string>(), Is.EqualTo("elevenlabs-conversation"));
        Assert.That(body["version"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(DateTimeOffset.Parse(body["timestamp"]!.GetValue<string>()), Is.InRange(before, after), "the time of the request");
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty);
    }

    [Test]
    public async Task CreateSessionReturnsTheSignedUrlAndStoresAnActiveSession()
    {
        var before = Now();
        var (status, body, _) = await App.PostAsync(CloudFunctionRequests.CreateSession);
        var after = DateTimeOffset.UtcNow;

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var id = body["conversationId"]!.GetValue<string>();
        Assert.That(id, Does.Match("^conv_[A-Za-z0-9_-]{22,}$"));
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.SignedUrl));
        var data = body["data"]!.AsObject();
        Assert.That(data["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(data["agentId"]!.GetValue<string>(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(data["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(data["createdAt"]!.GetValue<string>(), Does.EndWith("Z"));

        var request = ElevenLabsApi.SignedUrlRequests.Single().RequestMessage;
        Assert.That(request.Query!["agent_id"].Single(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(request.Query!["include_conversation_id"].Single(), Is.EqualTo("true"));

        var stored = Stored(id);
        Assert.That(Text(stored, "status"), Is.EqualTo("active"));
        Assert.That(Text(stored, "userId"), Is.EqualTo("user123"));
        Assert.That(Text(stored, "candidateId"), Is.EqualTo("candidate456"));
        Assert.That(Text(stored, "jobId"), Is.EqualTo("job789"));
        Assert.That(Text(stored["metadata"]!["mapValue"]!["fields"]!.AsObject(), "jobTitle"), Is.EqualTo("Software Engineer"));
        Assert.That(Text(stored, "elevenLabsConversationId"), Is.EqualTo(ElevenLabsApi.ElevenLabsConversationId));
        Assert.That(Texts(stored, "elevenLabsConversationIds"), Is.EqualTo(new[] { ElevenLabsApi.ElevenLabsConversationId }));
        Assert.That(Time(stored, "createdAt"), Is.InRange(before, after), "the time of the create");
    }

    [Test]
    public async Task ConversationIdsAreRandomAndNeverTheClientsChoice()
    {
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var (_, body, _) = await App.PostAsync(new { action = "create_session", conversationId = "conv_mine" });
            ids.Add(body["conversationId"]!.GetValue<string>());
        }

        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.None.EqualTo("conv_mine"));
        var sorted = ids.Order(StringComparer.Ordinal).ToList();
        Assert.That(ids, Is.Not.EqualTo(sorted), "ids should not come out in sequence");
    }

    [Test]
    public async Task GetSignedUrlGivesAFreshUrlForAnActiveSession()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.SignedUrl));
        Assert.That(body["data"]!["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task EveryElevenLabsConversationOfASessionIsLinkedToIt()
    {
        ElevenLabsApi.IssueFreshConversationIds();
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();

        for (var i = 0; i < 2; i++)
        {
            var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
            Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        }

        var stored = Stored(id);
        Assert.That(ElevenLabsApi.IssuedConversationIds, Has.Count.EqualTo(3));
        Assert.That(Texts(stored, "elevenLabsConversationIds"), Is.EqualTo(ElevenLabsApi.IssuedConversationIds), "every id, oldest first");
        Assert.That(Text(stored, "elevenLabsConversationId"), Is.EqualTo(ElevenLabsApi.IssuedConversationIds[^1]), "the latest, for older readers");
    }

    [Test]
    public async Task GetSignedUrlForAnUnknownSessionIsNotFound()
    {
        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = "conv_unknown" });

        Assert.That(status, Is.EqualTo(404));
        AssertError(body, "session_not_found");
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty);
    }

    [Test]
    public async Task GetSignedUrlForAnEndedSessionIsConflict()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();
        await App.PostAsync(new { action = "end_session", conversationId = id });

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });

        Assert.That(status, Is.EqualTo(409));
        AssertError(body, "session_ended");
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("Conversation session has ended"));
    }

    [Test]
    public async Task EndSessionMarksItEndedAndEndingAgainKeepsTheFirstEndedAt()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();
        var createdAt = Time(Stored(id), "createdAt");

        var before = Now();
        var (status, body, _) = await App.PostAsync(new { action = "end_session", conversationId = id });
        var after = DateTimeOffset.UtcNow;
        var beforeAgain = Now();
        var (againStatus, again, _) = await App.PostAsync(new { action = "end_session", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["data"]!["status"]!.GetValue<string>(), Is.EqualTo("ended"));
        var firstEnd = DateTimeOffset.Parse(body["data"]!["endedAt"]!.GetValue<string>());
        Assert.That(firstEnd, Is.InRange(before, after).And.GreaterThan(createdAt), "the time of the first end, after the create");
        Assert.That(beforeAgain, Is.GreaterThan(firstEnd), "the second end comes later on the clock");
        Assert.That(againStatus, Is.EqualTo(200), again.ToJsonString());
        Assert.That(DateTimeOffset.Parse(again["data"]!["endedAt"]!.GetValue<string>()), Is.EqualTo(firstEnd));
        var stored = Stored(id);
        Assert.That(Text(stored, "status"), Is.EqualTo("ended"));
        Assert.That(Time(stored, "endedAt"), Is.EqualTo(firstEnd));
        Assert.That(Text(stored, "endedBy"), Is.EqualTo("client"));
        Assert.That(Time(stored, "updatedAt"), Is.EqualTo(firstEnd));
    }

    [Test]
    public async Task EndingManyTimesAtOnceLeavesOneEndedAt()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();

        // Fifty at once on the real clock: each reads it at its own microsecond, and only one time may be stored.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => App.PostAsync(new { action = "end_session", conversationId = id })));

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(200));
        var endedAts = answers.Select(a => a.Body["data"]!["endedAt"]!.GetValue<string>()).Distinct().ToList();
        Assert.That(endedAts, Has.Count.EqualTo(1), "every caller sees the one endedAt that was stored");
        Assert.That(DateTimeOffset.Parse(endedAts[0]), Is.EqualTo(Time(Stored(id), "endedAt")));
    }

    [Test]
    public async Task EndingAnUnknownSessionIsNotFound()
    {
        var (status, body, _) = await App.PostAsync(new { action = "end_session", conversationId = "conv_nobody" });

        Assert.That(status, Is.EqualTo(404));
        AssertError(body, "session_not_found");
    }

    [Test]
    public async Task SessionsMadeByTheCloudFunctionCanStillBeLookedUp()
    {
        var (status, body, _) = await App.PostAsync(new { action = "end_session", conversationId = "conv_123456" });

        Assert.That(status, Is.EqualTo(404), "a legacy-shaped id is looked up, not refused");
        AssertError(body, "session_not_found");
    }

    [TestCase("PUT")]
    [TestCase("DELETE")]
    [TestCase("PATCH")]
    public async Task OtherMethodsAreNotAllowed(string method)
    {
        var response = await App.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/elevenlabs-conversation"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "POST", "OPTIONS" }));
        AssertError(await AppHost.ReadAsync(response), "method_not_allowed");
    }

    [Test]
    public async Task OptionsWithoutCorsSettingAnswersWithoutCorsHeaders()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/elevenlabs-conversation");
        request.Headers.Add("Origin", "https://app.example.com");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await App.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }

    public static void AssertError(JsonObject body, string code)
    {
        Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
        Assert.That(body["error"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo(code), body.ToJsonString());
        Assert.That(body["requestId"]!.GetValue<string>(), Does.Match("^[0-9a-zA-Z:-]+$"));
    }
}
