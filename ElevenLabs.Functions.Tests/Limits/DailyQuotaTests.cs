using System.Globalization;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Limits;

/// <summary>
/// <c>Quota:SessionsPerDay</c> across instances: two apps share one Firestore stand-in, which counts each caller's day in
/// <c>usage/{caller}_{yyyyMMdd}</c> with an atomic <c>increment</c> in the same <c>:commit</c> that creates the session.
/// Over the quota: 429 <c>quota_exceeded</c>, the session written is deleted again with its count, the URL dropped; the
/// instance remembers the caller and refuses its next creates without asking anyone. Under both hosts (an instance
/// is a worker under the Functions host); what is stored is read from the stand-in, never from an app's services.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class DailyQuotaTests(HostKind host)
{
    private Task<AppHost> StartAsync(FirestoreRig rig, params (string Key, string? Value)[] extra) =>
        AppHost.StartAsync(host, rig.Settings(extra));

    private Task<AppHost> StartAsync(Dictionary<string, string?> settings) => AppHost.StartAsync(host, settings);

    /// <summary>
    /// What the sweep's query (<see cref="ISessionStore.FindIdleAsync"/>) finds in the stand-in's documents, through a
    /// Firestore store client of the test's own on the same REST protocol, not through an app.
    /// </summary>
    private static async Task<IReadOnlyList<StoredSession>> FindIdleAsync(FirestoreRig rig, DateTimeOffset cutoff)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(rig.Settings());
        builder.AddSecrets().AddFirestoreSessionStore();
        using var reader = builder.Build();
        return await reader.Services.GetRequiredService<ISessionStore>().FindIdleAsync(cutoff, 10);
    }

    private static int SessionDocuments(FirestoreRig rig) =>
        rig.Firestore.Documents.Keys.Count(k => k.Contains("/documents/conversation-sessions/", StringComparison.Ordinal));

    private static JsonObject? UsageDocument(FirestoreRig rig) =>
        rig.Firestore.Documents.Where(d => d.Key.Contains($"/documents/{FirestoreOptions.DefaultUsageCollection}/", StringComparison.Ordinal)).Select(d => d.Value.Fields).SingleOrDefault();

    private static string? UsageCount(FirestoreRig rig) => UsageDocument(rig)?["count"]?["integerValue"]?.GetValue<string>();

    private static int DocumentRequests(FirestoreRig rig) => rig.Firestore.Requests.Count(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal));

    [Test]
    public async Task TheFiftyFirstCreateOfTheDayIsRefusedAcrossTwoInstancesWithAnExactCount()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var first = await StartAsync(rig, ("Quota:SessionsPerDay", "50"));
        await using var second = await StartAsync(rig, ("Quota:SessionsPerDay", "50"));

        // 60 creates at once, alternating between the instances: the shared count admits exactly 50.
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? first : second).PostAsync(new { action = "create_session" })));

        var created = answers.Where(a => a.Status == 200).ToList();
        var refused = answers.Where(a => a.Status != 200).ToList();
        TestContext.Progress.WriteLine($"DAILY QUOTA: 60 creates over 2 instances: {created.Count} created, {refused.Count} refused; usage count {UsageDocument(rig)?["count"]}");
        Assert.That(created, Has.Count.EqualTo(50), string.Join("\n", refused.Select(a => a.Body.ToJsonString()).Distinct()));
        Assert.That(refused.Select(a => a.Status), Has.All.EqualTo(429));
        foreach (var (_, body, response) in refused)
        {
            ContractTests.AssertError(body, "quota_exceeded");
            Assert.That(body.ContainsKey("signedUrl"), Is.False, "the URL of a refused create is dropped");
            Assert.That(body.ToJsonString(), Does.Not.Contain("conv_"), "the refused session's id is never handed out");
            var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
            Assert.That(retryAfter, Is.InRange(1, 86_400), "until 00:00 UTC");
        }

        Assert.That(SessionDocuments(rig), Is.EqualTo(50), "no session of a refused create is left behind");
        Assert.That(UsageCount(rig), Is.EqualTo("50"), "refused creates are taken back");
        var (fiftyFirst, body51, _) = await second.PostAsync(new { action = "create_session" });
        Assert.That(fiftyFirst, Is.EqualTo(429));
        ContractTests.AssertError(body51, "quota_exceeded");
    }

    [Test]
    public async Task AnElevenLabsFailureCountsNothing()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var app = await StartAsync(rig, ("Quota:SessionsPerDay", "50"));
        await app.PostAsync(new { action = "create_session" });
        rig.ElevenLabs.ApiKey = "revoked"; // ElevenLabs now answers 401

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(502), body.ToJsonString());
        Assert.That(UsageCount(rig), Is.EqualTo("1"), "only the session the caller got counts");
        Assert.That(SessionDocuments(rig), Is.EqualTo(1));
    }

    [Test]
    public async Task ACreateFirestoreRefusesLeavesTheCountUnchanged()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var app = await StartAsync(rig, ("Quota:SessionsPerDay", "50"), ("Firestore:MaxRetries", "1"));
        await app.PostAsync(new { action = "create_session" });
        // Firestore refuses the session's write and is unreachable right after: nothing can be put right later.
        rig.Firestore.BeforeCreate = () =>
        {
            rig.Firestore.Down = true;
            return Task.FromResult(false);
        };

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });
        rig.Firestore.BeforeCreate = null;
        rig.Firestore.Down = false;

        Assert.That(status, Is.EqualTo(500), body.ToJsonString());
        ContractTests.AssertError(body, "store_error");
        Assert.That(UsageCount(rig), Is.EqualTo("1"), "the refused create counted nothing");
        Assert.That(SessionDocuments(rig), Is.EqualTo(1));
    }

    [Test]
    public async Task AfterARefusalTheCallersNextCreateOnThatInstanceAsksNoOne()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var first = await StartAsync(rig, ("Quota:SessionsPerDay", "1"));
        await using var second = await StartAsync(rig, ("Quota:SessionsPerDay", "1"));
        var (created, _, _) = await first.PostAsync(new { action = "create_session" });
        var signedUrls = rig.ElevenLabs.SignedUrlRequests.Count;

        // The second instance does not know the caller yet: the store's count refuses it.
        var (refused, refusal, _) = await second.PostAsync(new { action = "create_session" });
        var askedForRefused = rig.ElevenLabs.SignedUrlRequests.Count - signedUrls;
        var (sessionsAfterRefusal, countAfterRefusal) = (SessionDocuments(rig), UsageCount(rig));

        var elevenLabsBefore = rig.ElevenLabs.Server.LogEntries.Count();
        var firestoreBefore = DocumentRequests(rig);
        var (again, body, response) = await second.PostAsync(new { action = "create_session" });

        Assert.That((created, refused, again), Is.EqualTo((200, 429, 429)), refusal.ToJsonString());
        ContractTests.AssertError(refusal, "quota_exceeded");
        Assert.That(askedForRefused, Is.EqualTo(1), "the refusal came from the count written with the session");
        Assert.That(sessionsAfterRefusal, Is.EqualTo(1), "the refused create's session is not left behind");
        Assert.That(countAfterRefusal, Is.EqualTo("1"), "and its count was taken back");
        ContractTests.AssertError(body, "quota_exceeded");
        Assert.That(int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), Is.InRange(1, 86_400));
        Assert.That(rig.ElevenLabs.Server.LogEntries.Count() - elevenLabsBefore, Is.Zero, "no signed URL asked for a caller known to be over");
        Assert.That(DocumentRequests(rig) - firestoreBefore, Is.Zero, "and nothing read or written");
    }

    [Test]
    public async Task ACallerWhoReachedTheQuotaOnThisInstanceIsRefusedWithoutAskingAnyone()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var app = await StartAsync(rig, ("Quota:SessionsPerDay", "2"));
        var statuses = new List<int> { (await app.PostAsync(new { action = "create_session" })).Status, (await app.PostAsync(new { action = "create_session" })).Status };
        var elevenLabsBefore = rig.ElevenLabs.Server.LogEntries.Count();
        var firestoreBefore = DocumentRequests(rig);

        var (third, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(statuses, Has.All.EqualTo(200));
        Assert.That(third, Is.EqualTo(429), body.ToJsonString());
        ContractTests.AssertError(body, "quota_exceeded");
        Assert.That(rig.ElevenLabs.Server.LogEntries.Count() - elevenLabsBefore, Is.Zero, "the second create's count reached the limit: no third signed URL");
        Assert.That(DocumentRequests(rig) - firestoreBefore, Is.Zero);
        Assert.That(UsageCount(rig), Is.EqualTo("2"));
    }

    [Test]
    public async Task AnUndoThatFailsStillRefusesAndLeavesAnActiveSessionForTheSweep()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var first = await StartAsync(rig, ("Quota:SessionsPerDay", "1"));
        await using var second = await StartAsync(rig, ("Quota:SessionsPerDay", "1"));
        await first.PostAsync(new { action = "create_session" });
        var commits = 0;
        rig.Firestore.BeforeCommit = () => Task.FromResult(Interlocked.Increment(ref commits) != 2); // the undo is refused

        var (status, body, response) = await second.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(429), body.ToJsonString());
        ContractTests.AssertError(body, "quota_exceeded");
        Assert.That(response.Headers.Contains("Retry-After"), Is.True);
        Assert.That(body.ContainsKey("signedUrl"), Is.False);
        Assert.That(commits, Is.EqualTo(2), "the create, then the undo");
        Assert.That(second.LogMessages(LogLevel.Warning), Has.One.Contains("could not be deleted again"));
        Assert.That(second.LogText(), Does.Not.Contain(rig.ElevenLabs.Token));
        Assert.That(SessionDocuments(rig), Is.EqualTo(2), "the leftover stays");
        Assert.That(UsageCount(rig), Is.EqualTo("2"), "counted one too many, never one too few");
        var idle = await FindIdleAsync(rig, DateTimeOffset.UtcNow.AddDays(2));
        Assert.That(idle, Has.Count.EqualTo(2), "both are active, so the sweep of idle sessions finds the leftover and expires it");
    }

    [Test]
    public async Task InMemoryTheQuotaIsCountedInTheProcessAndTokensCountToo()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var app = await StartAsync(Settings.For(elevenLabs, ("Quota:SessionsPerDay", "3")));

        var statuses = new List<int>
        {
            (await app.PostAsync(new { action = "create_session" })).Status,
            (await app.PostAsync(new { action = "get_conversation_token" })).Status,
            (await app.PostAsync(new { action = "create_session" })).Status,
        };
        var (fourth, body, _) = await app.PostAsync(new { action = "get_conversation_token" });

        Assert.That(statuses, Has.All.EqualTo(200));
        Assert.That(fourth, Is.EqualTo(429));
        ContractTests.AssertError(body, "quota_exceeded");
    }

    [Test]
    public async Task EachSignedInUserHasADayOfTheirOwn()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var provider = await OpenIdStandIn.StartFirebaseAsync("quota-project");
        await using var app = await StartAsync(Settings.For(elevenLabs, [.. Settings.Firebase(provider, "quota-project"), ("Quota:SessionsPerDay", "1")]));

        var (first, _, _) = await app.PostAsync(new { action = "create_session" }, provider.Token("uid-a", "quota-project"));
        var (again, _, _) = await app.PostAsync(new { action = "create_session" }, provider.Token("uid-a", "quota-project"));
        var (other, _, _) = await app.PostAsync(new { action = "create_session" }, provider.Token("uid-b", "quota-project"));

        Assert.That((first, again, other), Is.EqualTo((200, 429, 200)));
    }
}
