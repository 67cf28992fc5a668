using System.Globalization;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Limits;

/// <summary>
/// <c>Quota:SessionsPerDay</c> across instances: two apps share one Firestore stand-in, which counts each caller's day in
/// <c>usage/{caller}_{yyyyMMdd}</c> with an atomic <c>increment</c> in a <c>:commit</c>, at the same time as ElevenLabs is
/// asked. Over the quota: 429 <c>quota_exceeded</c>, no session written, the URL dropped.
/// </summary>
[TestFixture]
public sealed class DailyQuotaTests
{
    private static int SessionDocuments(FirestoreRig rig) =>
        rig.Firestore.Documents.Keys.Count(k => k.Contains("/documents/conversation-sessions/", StringComparison.Ordinal));

    private static JsonObject? UsageDocument(FirestoreRig rig) =>
        rig.Firestore.Documents.Where(d => d.Key.Contains("/documents/usage/", StringComparison.Ordinal)).Select(d => d.Value.Fields).SingleOrDefault();

    [Test]
    public async Task TheFiftyFirstCreateOfTheDayIsRefusedAcrossTwoInstancesWithAnExactCount()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var first = await AppHost.StartAsync(rig.Settings(("Quota:SessionsPerDay", "50")));
        await using var second = await AppHost.StartAsync(rig.Settings(("Quota:SessionsPerDay", "50")));

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
            var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
            Assert.That(retryAfter, Is.InRange(1, 86_400), "until 00:00 UTC");
        }

        Assert.That(SessionDocuments(rig), Is.EqualTo(50), "no session is written for a refused create");
        Assert.That(UsageDocument(rig)!["count"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("50"), "refused creates are given back");
        var (fiftyFirst, body51, _) = await second.PostAsync(new { action = "create_session" });
        Assert.That(fiftyFirst, Is.EqualTo(429));
        ContractTests.AssertError(body51, "quota_exceeded");
    }

    [Test]
    public async Task TheCountRunsAtTheSameTimeAsTheElevenLabsCall()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var app = await AppHost.StartAsync(rig.Settings(("Quota:SessionsPerDay", "50")));
        var signedUrlsBefore = rig.ElevenLabs.SignedUrlRequests.Count;
        var commitsBefore = rig.Firestore.Commits;
        // Each side waits for the other to have started: run one after the other, one of them gives up (and the create fails).
        rig.ElevenLabs.HoldsThenAnswers(() => SpinWait.SpinUntil(() => rig.Firestore.Commits > commitsBefore, TimeSpan.FromSeconds(10)));
        rig.Firestore.BeforeCommit = async () =>
        {
            for (var i = 0; i < 200 && rig.ElevenLabs.SignedUrlRequests.Count == signedUrlsBefore; i++)
            {
                await Task.Delay(50);
            }

            return rig.ElevenLabs.SignedUrlRequests.Count > signedUrlsBefore;
        };

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(UsageDocument(rig)!["count"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("1"));
    }

    [Test]
    public async Task ACreateThatFailsIsGivenBack()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var app = await AppHost.StartAsync(rig.Settings(("Quota:SessionsPerDay", "50")));
        await app.PostAsync(new { action = "create_session" });
        rig.ElevenLabs.ApiKey = "revoked"; // ElevenLabs now answers 401

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(502), body.ToJsonString());
        Assert.That(UsageDocument(rig)!["count"]!["integerValue"]!.GetValue<string>(), Is.EqualTo("1"), "only the session the caller got counts");
        Assert.That(SessionDocuments(rig), Is.EqualTo(1));
    }

    [Test]
    public async Task InMemoryTheQuotaIsCountedInTheProcessAndTokensCountToo()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var app = await AppHost.StartAsync(Settings.For(elevenLabs, ("Quota:SessionsPerDay", "3")));

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
        await using var app = await AppHost.StartAsync(Settings.For(elevenLabs, [.. Settings.Firebase(provider, "quota-project"), ("Quota:SessionsPerDay", "1")]));

        var (first, _, _) = await app.PostAsync(new { action = "create_session" }, provider.Token("uid-a", "quota-project"));
        var (again, _, _) = await app.PostAsync(new { action = "create_session" }, provider.Token("uid-a", "quota-project"));
        var (other, _, _) = await app.PostAsync(new { action = "create_session" }, provider.Token("uid-b", "quota-project"));

        Assert.That((first, again, other), Is.EqualTo((200, 429, 200)));
    }
}
