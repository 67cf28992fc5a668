using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>The Firestore store's errors, retries, id checks and service-account auth, against the REST stand-in.</summary>
[TestFixture]
public sealed class FirestoreStoreTests : FirestoreAppFixture
{

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings => [("Firestore:MaxRetries", "3")];
    private ISessionStore Store => App.Services.GetRequiredService<ISessionStore>();

    private int DocumentRequests => Rig.Firestore.Requests.Count(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal));

    [TestCase("UNAVAILABLE", 503)]
    [TestCase("ABORTED", 409)]
    [TestCase("DEADLINE_EXCEEDED", 504)]
    [TestCase("RESOURCE_EXHAUSTED", 429)]
    [TestCase("INTERNAL", 500)]
    public async Task TransientStatusesAreRetried(string status, int code)
    {
        Rig.Firestore.Fail(status, code, count: 2);
        var before = DocumentRequests;

        var session = await Store.GetAsync("conv_nothing_here");

        Assert.That(session, Is.Null);
        Assert.That(DocumentRequests - before, Is.EqualTo(3), "two failures, then the answer");
    }

    [Test]
    public async Task ABusyStoreIsServiceUnavailableAfterBoundedRetries()
    {
        Rig.Firestore.Fail("UNAVAILABLE", 503, count: 10);
        var before = DocumentRequests;

        var (status, body, response) = await App.PostAsync(new { action = "end_session", conversationId = "conv_abc" });

        Assert.That(status, Is.EqualTo(503));
        Api.ContractTests.AssertError(body, "store_unavailable");
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(DocumentRequests - before, Is.EqualTo(4), "one try and three retries");
    }

    [Test]
    public async Task AlreadyExistsIsAConflictNotARetry()
    {
        var session = SampleSession.Create();
        await Store.CreateAsync(session);
        var creates = Creates;

        Assert.ThrowsAsync<SessionConflictException>(() => Store.CreateAsync(session with { UserId = "another writer" }));
        Assert.That(Creates - creates, Is.EqualTo(1), "409 ALREADY_EXISTS is final, unlike 409 ABORTED");
    }

    [Test]
    public async Task ACreateThatFindsTheDocumentItWroteSucceeds()
    {
        var session = SampleSession.Create();
        var version = (await Store.CreateAsync(session)).Version;

        Assert.That((await Store.CreateAsync(session)).Version, Is.EqualTo(version), "a retry whose first attempt landed: its own document, read back");
    }

    /// <summary>Creates sent (each one <c>:commit</c>).</summary>
    private int Creates => Rig.Firestore.Commits;

    [Test]
    public async Task PermissionDeniedIsAServerErrorAndTellsTheOperatorWhichRoleToGrant()
    {
        Rig.Firestore.Fail("PERMISSION_DENIED", 403);

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = "conv_abc" });

        Assert.That(status, Is.EqualTo(500));
        Api.ContractTests.AssertError(body, "store_error");
        var errors = App.LogMessages(LogLevel.Error);
        Assert.That(errors, Has.Some.Contains(Rig.Account.Email).And.Contains("roles/datastore.user"));
        Assert.That(App.LogText(), Does.Not.Contain(Rig.Account.PrivateKeyFragment));
    }

    [TestCase("..")]
    [TestCase(".")]
    [TestCase("a/b")]
    [TestCase("%2F")]
    [TestCase("__x__")]
    [TestCase("x?updateMask.fieldPaths=status")]
    [TestCase("x#y")]
    [TestCase("")]
    public void IdsOutsideTheRulesNeverReachTheServer(string id)
    {
        var before = Rig.Firestore.Requests.Count;

        Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(id));
        Assert.ThrowsAsync<ArgumentException>(() => Store.UpdateAsync(id, new SessionChanges { UpdatedAt = DateTimeOffset.UnixEpoch, Status = "ended" }));
        Assert.ThrowsAsync<ArgumentException>(() => Store.CreateAsync(SampleSession.Create() with { ConversationId = id }));
        Assert.That(Rig.Firestore.Requests.Count, Is.EqualTo(before));
    }

    [Test]
    public async Task EveryCallCarriesTheServiceAccountsTokenAndOneTokenServesMany()
    {
        for (var i = 0; i < 10; i++)
        {
            await Store.GetAsync(ConversationId.NewId());
        }

        var calls = Rig.Firestore.Requests.Where(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal)).ToList();
        Assert.That(calls, Has.Count.GreaterThanOrEqualTo(10));
        Assert.That(calls.Select(c => c.Authorization), Has.All.StartWith("Bearer ya29.standin-"));
        Assert.That(Rig.Firestore.TokenRequests, Is.EqualTo(1), "Google.Apis.Auth caches the token");
        const string Root = "/v1/projects/replit-4f946/databases/(default)/documents";
        Assert.That(calls.Select(c => c.RawTarget), Has.All.Matches<string>(t => t.StartsWith(Root + "/conversation-sessions", StringComparison.Ordinal) || t == Root + ":commit"),
            "the project comes from the key, and nothing leaves the collection (a create is a commit)");
    }
}
