using System.Text.Json.Nodes;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// A create whose outcome the app cannot see (its answer lost, or later than <c>Firestore:Timeout</c>) is decided by
/// reading the document back: the session this create wrote is a success for its client; someone else's document
/// under the id is a conflict; nothing there keeps the failure. Over HTTP, with the Firestore stand-in's create faults.
/// </summary>
[TestFixture]
public sealed class AmbiguousCreateTests : FirestoreAppFixture
{
    protected override IEnumerable<(string Key, string? Value)> ExtraSettings =>
        [("Firestore:Timeout", "00:00:00.500"), ("Firestore:MaxRetries", "1")];

    private JsonObject? Document(string id) => Rig.Firestore.Document("replit-4f946", "conversation-sessions", id);

    /// <summary>The OAuth token is fetched before the faults, so that only the create meets them.</summary>
    [SetUp]
    public async Task FetchTheTokenFirst() => await App.PostAsync(new { action = "end_session", conversationId = "conv_warm_up" });

    /// <summary>Creates sent: each is one <c>:commit</c>, which counts the session for the daily quota too.</summary>
    private int CreateRequests() => Rig.Firestore.Commits;

    /// <summary>The caller's count for today in its usage document (the tests' one caller), 0 when there is none.</summary>
    private long UsageCount() =>
        Rig.Firestore.Documents.Where(d => d.Key.Contains($"/documents/{FirestoreOptions.DefaultUsageCollection}/", StringComparison.Ordinal))
            .Select(d => long.Parse(d.Value.Fields["count"]!["integerValue"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();

    [Test]
    public async Task ACreateWhoseAnswerWasLostIsASuccessForItsOwnSession()
    {
        var before = SessionDocuments;
        var counted = UsageCount();
        var creates = CreateRequests();
        Rig.Firestore.FailCreates(CreateFault.LoseAnswer);

        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "lost-answer" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(CreateRequests() - creates, Is.EqualTo(2), "the lost answer was retried, and the retry found the document");
        Assert.That(UsageCount() - counted, Is.EqualTo(1), "counted once, by the commit that landed (the retry failed as a whole)");
        var doc = Document(body["conversationId"]!.GetValue<string>());
        Assert.That(doc?["userId"]?["stringValue"]?.GetValue<string>(), Is.EqualTo("lost-answer"));
        Assert.That(doc?["status"]?["stringValue"]?.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(SessionDocuments - before, Is.EqualTo(1), "one session, the one the client got");
    }

    [Test]
    public async Task ACreateSlowerThanTheTimeoutThatLandedIsASuccess()
    {
        var before = SessionDocuments;
        var counted = UsageCount();
        Rig.Firestore.FailCreates(CreateFault.AnswerAfterCallerGaveUp, count: 2); // the first is applied; both answers come too late

        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "slow-write" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var doc = Document(body["conversationId"]!.GetValue<string>());
        Assert.That(doc?["userId"]?["stringValue"]?.GetValue<string>(), Is.EqualTo("slow-write"));
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(Rig.ElevenLabs.SignedUrl));
        Assert.That(SessionDocuments - before, Is.EqualTo(1));
        Assert.That(UsageCount() - counted, Is.EqualTo(1), "counted once");
    }

    [Test]
    public async Task ACreateThatFailedWithoutLandingStaysAFailure()
    {
        var before = SessionDocuments;
        var counted = UsageCount();
        Rig.Firestore.Fail("UNAVAILABLE", 503, count: 2);

        var (status, body, response) = await App.PostAsync(new { action = "create_session", userId = "never-stored" });

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        ContractTests.AssertError(body, "store_unavailable");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.Not.Null);
        Assert.That(SessionDocuments, Is.EqualTo(before));
        Assert.That(UsageCount(), Is.EqualTo(counted), "nothing counted");
    }

    /// <summary>
    /// The create's answer is lost (applied, then cut), its retry too, and both reads back fail: after
    /// <paramref name="failedReads"/> failed document reads in all, Firestore answers again.
    /// </summary>
    private void LoseTheCreateAndItsReadBack(int failedReads)
    {
        var creates = 0;
        Rig.Firestore.FailCreates(CreateFault.LoseAnswer, count: 2);
        Rig.Firestore.BeforeCreate = () =>
        {
            if (Interlocked.Increment(ref creates) == 2)
            {
                Rig.Firestore.Fail("UNAVAILABLE", 503, count: failedReads); // the calls after the retried commit
            }

            return Task.FromResult(true);
        };
    }

    [TearDown]
    public void NoCreateHold()
    {
        Rig.Firestore.BeforeCreate = null;
        Rig.Firestore.ClearFaults();
    }

    [Test]
    public async Task ACreateWhoseOutcomeStaysUnknownIsUndoneAndCountsNothing()
    {
        var before = SessionDocuments;
        var counted = UsageCount();
        LoseTheCreateAndItsReadBack(failedReads: 2); // the read-back and its retry; the undo's read then succeeds

        var (status, body, response) = await App.PostAsync(new { action = "create_session", userId = "unknown-outcome" });

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        ContractTests.AssertError(body, "store_unavailable");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.Not.Null);
        Assert.That(body.ToJsonString(), Does.Not.Contain("conv_"), "no id is handed out");
        Assert.That(ActiveSessionsOf("unknown-outcome"), Is.Zero, "the session the lost commit stored is deleted again");
        Assert.That(SessionDocuments, Is.EqualTo(before));
        Assert.That(UsageCount(), Is.EqualTo(counted), "and its count taken back");
    }

    [Test]
    public async Task AnUnknownCreateWhoseUndoCannotReachFirestoreIsLeftToTheSweep()
    {
        var counted = UsageCount();
        LoseTheCreateAndItsReadBack(failedReads: 4); // the read-back, the undo's read, and their retries

        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "undo-unreachable" });

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        ContractTests.AssertError(body, "store_unavailable");
        Assert.That(ActiveSessionsOf("undo-unreachable"), Is.EqualTo(1), "left as the lost commit stored it");
        Assert.That(UsageCount() - counted, Is.EqualTo(1), "and counted, until the day is over");
        Rig.Firestore.ClearFaults();
        var store = App.Services.GetRequiredService<ISessionStore>();
        var idleLater = await store.FindIdleAsync(DateTimeOffset.UtcNow.AddHours(3), SessionSweeper.MaxPerRun);
        Assert.That(idleLater.Select(s => s.Session.UserId), Has.Member("undo-unreachable"),
            "the sweep's query finds it once it has idled past Sessions:MaxIdle, and expires it");
    }

    private int ActiveSessionsOf(string userId) =>
        Rig.Firestore.Documents.Count(d => d.Key.Contains("/documents/conversation-sessions/", StringComparison.Ordinal)
            && d.Value.Fields["userId"]?["stringValue"]?.GetValue<string>() == userId
            && d.Value.Fields["status"]?["stringValue"]?.GetValue<string>() == "active");

    [Test]
    public async Task AnotherWritersDocumentUnderTheIdIsAConflictAndStaysUntouched()
    {
        Rig.Firestore.FailCreates(CreateFault.AnotherWriterFirst);
        var counted = UsageCount();

        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "mine" });

        Assert.That(status, Is.EqualTo(409), body.ToJsonString());
        ContractTests.AssertError(body, "session_conflict");
        Assert.That(body.ContainsKey("signedUrl"), Is.False);
        var others = Rig.Firestore.Documents.Where(d => d.Value.Fields.ToJsonString() == FirestoreStandIn.AnotherWritersFields.ToJsonString()).ToList();
        Assert.That(others, Has.Count.EqualTo(1), "the other writer's document is not claimed or changed");
        Assert.That(UsageCount(), Is.EqualTo(counted), "the refused create counted nothing");
    }

    /// <summary>Session documents only: the daily quota's usage document is another collection.</summary>
    private int SessionDocuments => Rig.Firestore.Documents.Keys.Count(k => k.Contains("/documents/conversation-sessions/", StringComparison.Ordinal));
}
