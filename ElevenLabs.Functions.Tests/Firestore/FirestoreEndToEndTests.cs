using ElevenLabs.Functions.Firestore;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>The self-hosted app over HTTP with Firestore (the stand-in) behind it: the Cloud Function's document, field for field.</summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class FirestoreEndToEndTests(HostKind host) : FirestoreAppFixture(host)
{

    private JsonObject Document(string id) => Rig.Firestore.Document("replit-4f946", "conversation-sessions", id)
        ?? throw new AssertionException($"no document {id}");

    private static string TypeOf(JsonNode? value) => value!.AsObject().Single().Key;

    [Test]
    public async Task CreateReissueAndEndProduceTheCloudFunctionsDocument()
    {
        var (status, created, _) = await App.PostAsync(CloudFunctionRequests.CreateSession);
        Assert.That(status, Is.EqualTo(200), created.ToJsonString());
        var id = created["conversationId"]!.GetValue<string>();

        var doc = Document(id);
        Assert.That(doc["conversationId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(doc["agentId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(doc["userId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("user123"));
        Assert.That(doc["candidateId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("candidate456"));
        Assert.That(doc["jobId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("job789"));
        Assert.That(doc["status"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("active"));
        var metadata = doc["metadata"]!["mapValue"]!["fields"]!;
        Assert.That(metadata["jobTitle"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("Software Engineer"));
        Assert.That(metadata["source"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("ai-interview-client"));
        Assert.That(TypeOf(doc["createdAt"]), Is.EqualTo("timestampValue"));
        Assert.That(TypeOf(doc["updatedAt"]), Is.EqualTo("timestampValue"));
        Assert.That(doc["createdAt"]!["timestampValue"]!.GetValue<string>(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"));
        Assert.That(doc["elevenLabsConversationId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo(Rig.ElevenLabs.ElevenLabsConversationId));

        var (urlStatus, reissued, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(urlStatus, Is.EqualTo(200), reissued.ToJsonString());
        Assert.That(reissued["signedUrl"]!.GetValue<string>(), Is.EqualTo(Rig.ElevenLabs.SignedUrl));

        var (endStatus, ended, _) = await App.PostAsync(new { action = "end_session", conversationId = id });
        Assert.That(endStatus, Is.EqualTo(200), ended.ToJsonString());
        doc = Document(id);
        Assert.That(doc["status"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("ended"));
        Assert.That(TypeOf(doc["endedAt"]), Is.EqualTo("timestampValue"));
        Assert.That(doc["updatedAt"]!["timestampValue"]!.GetValue<string>(), Is.EqualTo(doc["endedAt"]!["timestampValue"]!.GetValue<string>()));
        Assert.That(doc["createdAt"]!.ToJsonString(), Is.EqualTo(Document(id)["createdAt"]!.ToJsonString()));
        Assert.That(DateTimeOffset.Parse(ended["data"]!["endedAt"]!.GetValue<string>()),
            Is.EqualTo(DateTimeOffset.Parse(doc["endedAt"]!["timestampValue"]!.GetValue<string>())));
        Assert.That(doc.Select(f => f.Key), Is.EquivalentTo(new[]
        {
            "conversationId", "agentId", "userId", "candidateId", "jobId", "metadata", "status", "createdAt", "updatedAt",
            "endedAt", "endedBy", "elevenLabsConversationId", "elevenLabsConversationIds", "pendingCallIds", "reconcileAt",
        }), "the Cloud Function's fields, and the reconcile pass's two");
        Assert.That(doc["endedBy"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("client"));
        Assert.That(doc["elevenLabsConversationIds"]!["arrayValue"]!["values"]!.AsArray().Select(v => v!["stringValue"]!.GetValue<string>()),
            Is.EqualTo(new[] { Rig.ElevenLabs.ElevenLabsConversationId }), "the re-issue's id (the stand-in's same id) is not added twice");
    }

    [Test]
    public async Task CreatingASessionIsOneWriteMadeAfterElevenLabsAnswered()
    {
        await App.PostAsync(new { action = "create_session" }); // the token is fetched once, before counting
        var before = DocumentRequests().Count;
        var duringSigning = -1;
        Rig.ElevenLabs.HoldsThenAnswers(() =>
        {
            duringSigning = DocumentRequests().Count - before;
            return true;
        });

        var (status, body, _) = await App.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(duringSigning, Is.Zero, "nothing is written (or counted) before ElevenLabs has answered");
        Assert.That(DocumentRequests().Skip(before).Select(r => r.Method), Is.EqualTo(new[] { "POST" }), "one create, no update");
        Assert.That(Document(body["conversationId"]!.GetValue<string>())["elevenLabsConversationId"]!["stringValue"]!.GetValue<string>(),
            Is.EqualTo(Rig.ElevenLabs.ElevenLabsConversationId), "ElevenLabs' id is in the one write");
    }

    [Test]
    public async Task EachActionMakesTheFewestFirestoreCalls()
    {
        Rig.ElevenLabs.IssueFreshConversationIds();
        await App.PostAsync(new { action = "create_session" }); // the token is fetched once, before counting

        var before = DocumentRequests().Count;
        var counted = UsageCount();
        var (_, created, _) = await App.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        var create = DocumentRequests().Skip(before).Select(r => r.Method + " " + r.RawTarget[(r.RawTarget.LastIndexOf('/') + 1)..]).ToList();

        before = DocumentRequests().Count;
        var (urlStatus, url, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        var reissue = DocumentRequests().Skip(before).Select(r => r.Method).ToList();

        before = DocumentRequests().Count;
        await App.PostAsync(new { action = "end_session", conversationId = id });
        var end = DocumentRequests().Skip(before).Select(r => r.Method).ToList();

        Assert.That(urlStatus, Is.EqualTo(200), url.ToJsonString());
        Assert.That(create, Is.EqualTo(new[] { "POST documents:commit" }), "create: one write, which counts the session too");
        Assert.That(UsageCount() - counted, Is.EqualTo(1), "the daily quota's count went up by one in that write");
        Assert.That(reissue, Is.EqualTo(new[] { "GET", "PATCH" }), "get_signed_url: one read, one conditional write");
        Assert.That(end, Is.EqualTo(new[] { "GET", "PATCH" }), "end_session: one read, one conditional write");
        var ids = Document(id)["elevenLabsConversationIds"]!["arrayValue"]!["values"]!.AsArray().Select(v => v!["stringValue"]!.GetValue<string>());
        Assert.That(ids, Is.EqualTo(Rig.ElevenLabs.IssuedConversationIds.Skip(1)), "the create's id and the re-issue's, in the one write each");
    }

    [Test]
    public async Task ASessionTheCloudFunctionLinkedKeepsItsIdWhenANewOneIsAdded()
    {
        Rig.Firestore.Put("replit-4f946", "conversation-sessions", "conv_linked_before", new JsonObject
        {
            ["status"] = new JsonObject { ["stringValue"] = "active" },
            ["elevenLabsConversationId"] = new JsonObject { ["stringValue"] = "el_from_before" },
        });

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = "conv_linked_before" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var doc = Document("conv_linked_before");
        Assert.That(doc["elevenLabsConversationIds"]!["arrayValue"]!["values"]!.AsArray().Select(v => v!["stringValue"]!.GetValue<string>()),
            Is.EqualTo(new[] { "el_from_before", Rig.ElevenLabs.ElevenLabsConversationId }));
        Assert.That(doc["elevenLabsConversationId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo(Rig.ElevenLabs.ElevenLabsConversationId));
    }

    /// <summary>Every document call, the <c>:commit</c>s included (the OAuth token's are not).</summary>
    private List<(string Method, string RawTarget, string? Authorization)> DocumentRequests() =>
        [.. Rig.Firestore.Requests.Where(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal))];

    /// <summary>The test caller's count for today, 0 before its first session.</summary>
    private long UsageCount() =>
        Rig.Firestore.Documents.Where(d => d.Key.Contains($"/documents/{FirestoreOptions.DefaultUsageCollection}/", StringComparison.Ordinal))
            .Select(d => long.Parse(d.Value.Fields["count"]!["integerValue"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();

    [Test]
    public async Task ASessionEndedWhileItsUrlIsReissuedGetsNoUrlAndStaysAsTheEndLeftIt()
    {
        var (_, created, _) = await App.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        // ElevenLabs answers the re-issue only after the session has been ended by another call.
        Rig.ElevenLabs.HoldsThenAnswers(() =>
        {
            var (status, _, _) = App.PostAsync(new { action = "end_session", conversationId = id }).GetAwaiter().GetResult();
            return status == 200;
        });

        var (reissued, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });

        Assert.That(reissued, Is.EqualTo(409), body.ToJsonString());
        Api.ContractTests.AssertError(body, "session_ended");
        Assert.That(body.ToJsonString(), Does.Not.Contain(Rig.ElevenLabs.Token), "the URL issued after the end is not handed out");
        var doc = Document(id);
        Assert.That(doc["status"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("ended"));
        Assert.That(doc["updatedAt"]!.ToJsonString(), Is.EqualTo(doc["endedAt"]!.ToJsonString()),
            "the late re-issue did not write over the ended session");
    }

    [Test]
    public async Task SessionsTheCloudFunctionWroteKeepWorking()
    {
        // A document as the Cloud Function stored it.
        var stored = JsonNode.Parse("""
            {
              "conversationId": {"stringValue": "conv_123456"},
              "agentId": {"stringValue": "EVQJtCNSo0L6uHQnImQu"},
              "userId": {"stringValue": "user123"},
              "candidateId": {"stringValue": "candidate456"},
              "jobId": {"stringValue": "job789"},
              "metadata": {"mapValue": {"fields": {"jobTitle": {"stringValue": "Software Engineer"}, "source": {"stringValue": "ai-interview-client"}}}},
              "status": {"stringValue": "active"},
              "createdAt": {"timestampValue": "2024-01-15T10:30:00Z"},
              "updatedAt": {"timestampValue": "2024-01-15T10:30:00Z"}
            }
            """)!.AsObject();
        Rig.Firestore.Put("replit-4f946", "conversation-sessions", "conv_123456", stored);

        var (urlStatus, url, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = "conv_123456" });
        var (endStatus, ended, _) = await App.PostAsync(new { action = "end_session", conversationId = "conv_123456" });

        Assert.That(urlStatus, Is.EqualTo(200), url.ToJsonString());
        Assert.That(url["data"]!["createdAt"]!.GetValue<string>(), Does.StartWith("2024-01-15T10:30:00"));
        Assert.That(endStatus, Is.EqualTo(200), ended.ToJsonString());
        var doc = Document("conv_123456");
        Assert.That(doc["status"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("ended"));
        foreach (var kept in new[] { "userId", "candidateId", "jobId", "metadata", "createdAt", "agentId" })
        {
            Assert.That(doc[kept]!.ToJsonString(), Is.EqualTo(stored[kept]!.ToJsonString()), kept + " is untouched");
        }
    }

    [Test]
    public async Task ASparseOlderDocumentIsReadLeniently()
    {
        Rig.Firestore.Put("replit-4f946", "conversation-sessions", "conv_sparse", new JsonObject
        {
            ["userId"] = new JsonObject { ["stringValue"] = "user9" },
            ["createdAt"] = new JsonObject { ["stringValue"] = "2024-02-01T08:00:00Z" },
        });

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = "conv_sparse" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["data"]!["agentId"]!.GetValue<string>(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"), "the configured agent");
        Assert.That(Rig.ElevenLabs.SignedUrlRequests.Last().RequestMessage.Query!["agent_id"].Single(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
    }

    [Test]
    public async Task AFailedWriteIsAnErrorNeverASuccess()
    {
        Rig.Firestore.Fail("PERMISSION_DENIED", 403);

        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "u" });

        Assert.That(status, Is.EqualTo(500));
        Api.ContractTests.AssertError(body, "store_error");
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("Failed to create conversation session"));
        Assert.That(body.ContainsKey("signedUrl"), Is.False, "the URL is dropped when the session was not stored");
    }

    [Test]
    public async Task ElevenLabsFailingWritesNothing()
    {
        Rig.ElevenLabs.Answers(401, """{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}""");
        var before = Rig.Firestore.Documents.Keys.ToHashSet();
        try
        {
            var (status, _, _) = await App.PostAsync(new { action = "create_session", userId = "u" });

            Assert.That(status, Is.EqualTo(502));
            Assert.That(Rig.Firestore.Documents.Keys.Where(k => !before.Contains(k)), Is.Empty, "no session the client never got");
        }
        finally
        {
            Rig.ElevenLabs.Reset();
        }
    }

    [Test]
    public async Task TwoHundredParallelCreatesMakeTwoHundredDocuments()
    {
        var before = Rig.Firestore.Documents.Count;

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            App.PostAsync(new { action = "create_session", userId = $"user{i}" })));

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(200));
        var ids = answers.Select(a => a.Body["conversationId"]!.GetValue<string>()).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(Rig.Firestore.Documents.Count - before, Is.EqualTo(200));
        Assert.That(ids.Select(id => Document(id)["status"]!["stringValue"]!.GetValue<string>()), Has.All.EqualTo("active"));
    }

    [Test]
    public async Task FiftyParallelEndsLeaveOneConsistentDocument()
    {
        var (_, created, _) = await App.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            App.PostAsync(new { action = "end_session", conversationId = id })));

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(200), string.Join("\n", answers.Select(a => a.Body.ToJsonString())));
        var doc = Document(id);
        var endedAt = DateTimeOffset.Parse(doc["endedAt"]!["timestampValue"]!.GetValue<string>());
        Assert.That(answers.Select(a => DateTimeOffset.Parse(a.Body["data"]!["endedAt"]!.GetValue<string>())), Has.All.EqualTo(endedAt),
            "every caller is told the one endedAt that is stored");
        Assert.That(doc["status"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("ended"));
    }
}
