using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Health;

/// <summary>
/// <c>GET /elevenlabs-conversation/ready</c> over HTTP, with every dependency a loopback stand-in: Key Vault over HTTPS
/// (holding the ElevenLabs key and the Firestore service-account key, as in Azure), Firestore REST and ElevenLabs.
/// </summary>
[TestFixture]
public sealed class ReadinessTests
{
    private const string ReadyPath = "/elevenlabs-conversation/ready";
    private const string KeyName = "elevenlabs-api-key";
    private const string FirestoreKeyName = "firestore-service-account";

    private FirestoreRig _rig = null!;
    private KeyVaultStandIn _vault = null!;

    /// <summary>
    /// One app started before the tests (its start runs readiness once), so the 3 s bound below measures the
    /// time-outs, not the first JIT of the Key Vault, Google token and HTTP pipelines on a busy machine.
    /// </summary>
    [OneTimeSetUp]
    public async Task WarmUpAsync()
    {
        await StartStandInsAsync();
        try
        {
            await using var app = await StartAppAsync();
        }
        finally
        {
            await StopStandInsAsync();
        }
    }

    [SetUp]
    public async Task StartStandInsAsync()
    {
        _rig = await FirestoreRig.StartAsync();
        _vault = await KeyVaultStandIn.StartAsync();
        _vault.Secrets[KeyName] = _rig.ElevenLabs.ApiKey;
        _vault.Secrets[FirestoreKeyName] = _rig.Account.Json;
    }

    [TearDown]
    public async Task StopStandInsAsync()
    {
        await _vault.DisposeAsync();
        await _rig.DisposeAsync();
    }

    /// <summary>The app as deployed: both keys in the vault, the project id in the settings.</summary>
    private Task<AppHost> StartAppAsync(TimeProvider? time = null)
    {
        var settings = _rig.Settings(("KeyVault:Uri", _vault.Url.ToString()), ("Firestore:ProjectId", _rig.Account.ProjectId));
        settings.Remove("Firestore:CredentialsJson");
        settings.Remove("ElevenLabs:ApiKey");
        return AppHost.StartAsync(settings, b =>
        {
            _vault.ConnectApp(b.Services, new TestTokenCredential());
            if (time is not null)
            {
                b.Services.AddSingleton(time);
            }
        });
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response, string Text)> ReadyAsync(AppHost app)
    {
        // The bound: whatever is broken, the answer comes within 3 s (each check has 2 s).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await app.Client.GetAsync(ReadyPath, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"no readiness answer within 3 s");
            throw;
        }

        var text = await response.Content.ReadAsStringAsync();
        TestContext.Out.WriteLine($"GET {ReadyPath}: {(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms: {text}");
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response, text);
    }

    private static JsonObject Check(JsonObject body, string name) => body["checks"]![name]!.AsObject();

    private int FirestoreProbes => _rig.Firestore.Requests.Count(r => r.RawTarget.Contains("/readiness-probe", StringComparison.Ordinal));

    [Test]
    public async Task ReadyWhenTheKeyResolvesFirestoreAnswersAndElevenLabsAcceptsTheKey()
    {
        await using var app = await StartAppAsync();

        var (status, body, response, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("ready"));
        Assert.That(body["checks"]!.AsObject().Select(c => c.Key), Is.EqualTo(new[] { "secrets", "firestore", "elevenlabs" }));
        foreach (var (name, check) in body["checks"]!.AsObject())
        {
            Assert.That(check!["status"]!.GetValue<string>(), Is.EqualTo("healthy"), name);
            Assert.That(check["durationMs"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(0), name);
            Assert.That(check.AsObject().ContainsKey("code"), Is.False, name);
        }

        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        var agent = _rig.ElevenLabs.AgentRequests.Single().RequestMessage;
        Assert.That(agent.Path, Is.EqualTo("/v1/convai/agents/" + ElevenLabsStandIn.AgentId));
        Assert.That(agent.Headers!["xi-api-key"].Single(), Is.EqualTo(_rig.ElevenLabs.ApiKey), "the key from the vault");
        Assert.That(_rig.Firestore.Requests.Single(r => r.RawTarget.Contains("/readiness-probe", StringComparison.Ordinal)).Method, Is.EqualTo("GET"));
        Assert.That(_rig.Firestore.Documents, Is.Empty, "readiness writes nothing");
        AssertNoSecretIn(text);
    }

    [Test]
    public async Task TheFirstCreateAfterStartFindsTheKeyReadTheTokenFetchedAndTheAnswerReady()
    {
        await using var app = await StartAppAsync();

        // Before any request: the start-up warm-up (one readiness run) did the slow first-time work.
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "the ElevenLabs key, from the vault");
        Assert.That(_rig.Firestore.TokenRequests, Is.EqualTo(1), "the Google token");
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(1), "ElevenLabs, with that key");

        var (status, body, _) = await app.PostAsync(new { action = "create_session", userId = "u" });
        var (ready, _, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "the first create did not wait for the vault");
        Assert.That(_rig.Firestore.TokenRequests, Is.EqualTo(1), "nor for Google's token");
        Assert.That(ready, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(1), "readiness answered from the warm-up's run");
    }

    [Test]
    public async Task WithSessionsInMemoryTheStoreIsAlwaysReady()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var app = await AppHost.StartAsync(Settings.For(elevenLabs));

        var (status, body, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(Check(body, "firestore")["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
    }

    public enum Broken
    {
        VaultForbidden,
        VaultDown,
        FirestorePermissionDenied,
        FirestoreDown,
        ElevenLabsUnauthorized,
        ElevenLabsSlowerThanTheTimeout,
    }

    [TestCase(Broken.VaultForbidden, "secrets", "secret_forbidden")]
    [TestCase(Broken.VaultDown, "secrets", "secret_unavailable")]
    [TestCase(Broken.FirestorePermissionDenied, "firestore", "store_error")]
    [TestCase(Broken.FirestoreDown, "firestore", "store_unavailable")]
    [TestCase(Broken.ElevenLabsUnauthorized, "elevenlabs", "elevenlabs_unauthorized")]
    [TestCase(Broken.ElevenLabsSlowerThanTheTimeout, "elevenlabs", "elevenlabs_timeout")]
    public async Task ABrokenDependencyMakesItNotReadyWithTheCheckAndCode(Broken broken, string check, string code)
    {
        // Broken before the start: the start-up warm-up finds it (and says so), readiness answers from that run.
        switch (broken)
        {
            case Broken.VaultForbidden:
                _vault.Behaviour = VaultBehaviour.Forbidden;
                break;
            case Broken.VaultDown:
                _vault.Behaviour = VaultBehaviour.Down;
                break;
            case Broken.FirestorePermissionDenied:
                _rig.Firestore.Fail("PERMISSION_DENIED", 403, count: 10);
                break;
            case Broken.FirestoreDown:
                _rig.Firestore.Down = true;
                break;
            case Broken.ElevenLabsUnauthorized:
                _rig.ElevenLabs.ApiKey = "sk_revoked_" + Guid.NewGuid().ToString("N"); // the vault's key no longer works
                break;
            case Broken.ElevenLabsSlowerThanTheTimeout:
                _rig.ElevenLabs.AgentAnswers(200, """{"agent_id":"late"}""", delay: TimeSpan.FromSeconds(4));
                break;
        }

        await using var app = await StartAppAsync();
        var (status, body, response, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), text);
        Assert.That(body["success"]!.GetValue<bool>(), Is.False);
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("not_ready"));
        Assert.That(Check(body, check)["status"]!.GetValue<string>(), Is.EqualTo("unhealthy"));
        Assert.That(Check(body, check)["code"]!.GetValue<string>(), Is.EqualTo(code));
        if (check != "secrets")
        {
            // Without the vault nothing authenticates, so only a vault failure may fail the other checks too.
            var others = body["checks"]!.AsObject().Where(c => c.Key != check);
            Assert.That(others.Select(c => c.Value!["status"]!.GetValue<string>()), Has.All.EqualTo("healthy"), text);
        }

        Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(15)));
        AssertNoSecretIn(text);
        Assert.That(text, Does.Not.Contain("Invalid API key").And.Not.Contain("Injected failure").And.Not.Contain("not authorized")
            .And.Not.Contain("late"), "no upstream body");
        Assert.That(app.LogMessages(LogLevel.Warning), Has.Some.Contains($"Readiness check {check} failed with {code}"), "said at start");
    }

    [Test]
    public async Task FiftyCallsInTenSecondsCallEachDependencyAtMostOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        await using var app = await StartAppAsync(time);

        // Ten at once (they share one run), then forty more over the next ten seconds.
        var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.Client.GetAsync(ReadyPath)));
        var statuses = first.Select(r => r.StatusCode).ToList();
        for (var i = 0; i < 40; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(245));
            statuses.Add((await app.Client.GetAsync(ReadyPath)).StatusCode);
        }

        Assert.That(statuses, Has.Count.EqualTo(50).And.All.EqualTo(HttpStatusCode.OK));
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "Key Vault, ElevenLabs key");
        Assert.That(_vault.ReadsOf(FirestoreKeyName), Is.EqualTo(1), "Key Vault, Firestore key");
        Assert.That(FirestoreProbes, Is.EqualTo(1), "Firestore");
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(1), "ElevenLabs");

        // Past the 15 s the result is kept, the dependencies are asked again; the key still comes from the secret cache.
        time.Advance(TimeSpan.FromSeconds(6));
        var (status, _, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(FirestoreProbes, Is.EqualTo(2));
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(2));
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "inside the secret cache's TTL the vault is not read again");
    }

    [Test]
    public async Task ANotReadyAnswerIsKeptFor15SecondsThenTheRecoveryShows()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        _rig.ElevenLabs.ApiKey = "sk_revoked_" + Guid.NewGuid().ToString("N");
        await using var app = await StartAppAsync(time);

        var (refused, _, response, _) = await ReadyAsync(app);
        _rig.ElevenLabs.ApiKey = _rig.ElevenLabs.OriginalApiKey;
        time.Advance(TimeSpan.FromSeconds(14));
        var (stillKept, _, _, _) = await ReadyAsync(app);
        time.Advance(TimeSpan.FromSeconds(1));
        var (recovered, body, _, text) = await ReadyAsync(app);

        Assert.That(refused, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(15)), "when asking again can give another answer");
        Assert.That(stillKept, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(recovered, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(Check(body, "elevenlabs")["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
    }

    [Test]
    public async Task TheLivenessAnswerStillCallsNoDependency()
    {
        await using var app = await StartAppAsync();
        _vault.Behaviour = VaultBehaviour.Down;
        _rig.Firestore.Down = true;
        var (vault, firestore, elevenLabs) = (_vault.Reads.Values.Sum(), _rig.Firestore.Requests.Count, _rig.ElevenLabs.Server.LogEntries.Count());

        var response = await app.Client.GetAsync("/elevenlabs-conversation");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_vault.Reads.Values.Sum(), Is.EqualTo(vault));
        Assert.That(_rig.Firestore.Requests, Has.Count.EqualTo(firestore));
        Assert.That(_rig.ElevenLabs.Server.LogEntries.Count(), Is.EqualTo(elevenLabs));
    }

    private void AssertNoSecretIn(string text)
    {
        Assert.That(text, Does.Not.Contain(_rig.ElevenLabs.OriginalApiKey), "the ElevenLabs key");
        Assert.That(text, Does.Not.Contain(_rig.Account.PrivateKeyFragment), "the service account's private key");
        Assert.That(text, Does.Not.Contain(KeyVaultStandIn.Token).And.Not.Contain("ya29."), "an access token");
    }
}
