using System.Text;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// <c>:commit</c> with field transforms, as Google documents it, through the app's own store and as raw requests to the
/// stand-in: an <c>increment</c> creates the field and returns the new value; preconditions refuse as documented.
/// </summary>
[TestFixture]
public sealed class FirestoreCommitTests
{
    private FirestoreRig _rig = null!;
    private AppHost _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _rig = await FirestoreRig.StartAsync();
        _rig.Firestore.AcceptEmulatorOwner = true;
        _app = await AppHost.StartAsync(_rig.Settings());
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        await _rig.DisposeAsync();
    }

    private Uri CommitUrl => new(_rig.Firestore.Url, "v1/projects/replit-4f946/databases/(default)/documents:commit");

    private async Task<(int Status, JsonObject Body)> CommitAsync(string body)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, CommitUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Authorization", "Bearer owner");
        var response = await client.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private int DocumentRequests() => _rig.Firestore.Requests.Count(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal));

    [Test]
    public async Task ACountedCreateIsOneCommitOfTheSessionAndTheUsageDocument()
    {
        var store = _app.Services.GetRequiredService<ISessionStore>();
        var count = new DailyCount("203.0.113.7", new DateOnly(2026, 11, 27));
        var commits = _rig.Firestore.Commits;
        var requests = DocumentRequests();

        var counts = new List<long?>();
        for (var i = 0; i < 3; i++)
        {
            counts.Add((await store.CreateAsync(SampleSession.Create(), count)).Count);
        }

        Assert.That(counts, Is.EqualTo(new long?[] { 1, 2, 3 }));
        Assert.That((_rig.Firestore.Commits - commits, DocumentRequests() - requests), Is.EqualTo((3, 3)), "one commit per create, nothing else");
        var document = _rig.Firestore.Document("replit-4f946", FirestoreOptions.DefaultUsageCollection, "203.0.113.7_20261127")!;
        Assert.That(document.Select(f => f.Key), Is.EquivalentTo(new[] { "caller", "day", "count", "updatedAt" }));
        Assert.That(document["count"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("3"));
        Assert.That(document["caller"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("203.0.113.7"));
        Assert.That(document["day"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("2026-11-27"));
        Assert.That(document["updatedAt"]!["timestampValue"], Is.Not.Null, "REQUEST_TIME");
    }

    [Test]
    public async Task TheCountsGoToTheConfiguredUsageCollectionNextToTheSessions()
    {
        await using var app = await AppHost.StartAsync(_rig.Settings(("Firestore:UsageCollection", "interview-usage")));
        var store = app.Services.GetRequiredService<ISessionStore>();
        var session = SampleSession.Create();

        var created = await store.CreateAsync(session, new DailyCount("uid-usage-collection", new DateOnly(2026, 11, 28)));

        Assert.That(created.Count, Is.EqualTo(1));
        Assert.That(_rig.Firestore.Document("replit-4f946", "interview-usage", "uid-usage-collection_20261128")?["count"]?["integerValue"]?.GetValue<string>(), Is.EqualTo("1"));
        Assert.That(_rig.Firestore.Document("replit-4f946", FirestoreOptions.DefaultUsageCollection, "uid-usage-collection_20261128"), Is.Null, "nothing in the default collection");
        Assert.That(_rig.Firestore.Document("replit-4f946", "conversation-sessions", session.ConversationId), Is.Not.Null);
        Assert.That(store.Name, Does.Contain("daily counts in interview-usage"));
    }

    [Test]
    public void ACallerKeyThatIsNotAPlainIdIsNamedByItsHash()
    {
        Assert.That(UsageDocument.DocumentId("uid-123"), Is.EqualTo("uid-123"));
        Assert.That(UsageDocument.DocumentId("2001:db8:1:2::/64"), Does.StartWith("sha256-").And.Not.Contain("/"));
        Assert.That(UsageDocument.DocumentId("auth0|abc/def"), Does.StartWith("sha256-"));
    }

    [Test]
    public async Task AppendMissingElementsAddsOnlyWhatIsMissingAndAnswersNull()
    {
        var write = """
            {"writes":[{"update":{"name":"projects/replit-4f946/databases/(default)/documents/things/t1","fields":{}},
              "updateMask":{"fieldPaths":[]},
              "updateTransforms":[{"fieldPath":"ids","appendMissingElements":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}},
                                  {"fieldPath":"n","increment":{"integerValue":"5"}}]}]}
            """;

        var (first, _) = await CommitAsync(write);
        var (second, answer) = await CommitAsync(write.Replace("\"b\"", "\"c\"", StringComparison.Ordinal));

        Assert.That((first, second), Is.EqualTo((200, 200)));
        var results = answer["writeResults"]![0]!["transformResults"]!.AsArray();
        Assert.That(results[0]!.ToJsonString(), Is.EqualTo("""{"nullValue":null}"""));
        Assert.That(results[1]!.ToJsonString(), Is.EqualTo("""{"integerValue":"10"}"""));
        var ids = _rig.Firestore.Document("replit-4f946", "things", "t1")!["ids"]!["arrayValue"]!["values"]!.AsArray();
        Assert.That(ids.Select(v => v!["stringValue"]!.GetValue<string>()), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [TestCase("""{"exists":false}""", 409, "ALREADY_EXISTS")]
    [TestCase("""{"updateTime":"2000-01-01T00:00:00.000000000Z"}""", 400, "FAILED_PRECONDITION")]
    public async Task APreconditionThatFailsAppliesNothing(string precondition, int status, string code)
    {
        var name = "projects/replit-4f946/databases/(default)/documents/things/p" + Guid.NewGuid().ToString("N")[..8];
        var create = """{"writes":[{"update":{"name":"NAME","fields":{"v":{"integerValue":"1"}}}}]}""".Replace("NAME", name, StringComparison.Ordinal);
        await CommitAsync(create);

        var (refused, body) = await CommitAsync("""
            {"writes":[{"update":{"name":"NAME","fields":{"v":{"integerValue":"2"}}},"currentDocument":PRECONDITION}]}
            """.Replace("NAME", name, StringComparison.Ordinal).Replace("PRECONDITION", precondition, StringComparison.Ordinal));

        Assert.That(refused, Is.EqualTo(status));
        Assert.That(body["error"]!["status"]!.GetValue<string>(), Is.EqualTo(code));
        Assert.That(_rig.Firestore.Documents[name].Fields["v"]!.ToJsonString(), Is.EqualTo("""{"integerValue":"1"}"""));
    }

    [Test]
    public async Task AFieldBothUpdatedAndTransformedIsInvalid()
    {
        var (status, body) = await CommitAsync("""
            {"writes":[{"update":{"name":"projects/replit-4f946/databases/(default)/documents/things/x","fields":{"n":{"integerValue":"1"}}},
              "updateMask":{"fieldPaths":["n"]},"updateTransforms":[{"fieldPath":"n","increment":{"integerValue":"1"}}]}]}
            """);

        Assert.That(status, Is.EqualTo(400));
        Assert.That(body["error"]!["status"]!.GetValue<string>(), Is.EqualTo("INVALID_ARGUMENT"));
    }
}
