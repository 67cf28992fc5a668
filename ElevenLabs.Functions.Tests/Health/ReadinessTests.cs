using System.Net;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Health;

/// <summary>
/// <c>GET /elevenlabs-conversation/ready</c> over HTTP, with every dependency a loopback stand-in: Firestore REST and
/// ElevenLabs under both hosts. Self-hosted the keys are in Key Vault over HTTPS (the ElevenLabs key and the Firestore
/// service-account key, as in Azure), and the app's clock is a fake one the test moves. Under the Functions host the
/// worker is its own process: the keys are app settings and the clock is the real one, waited on (see
/// <see cref="NotUnderTheWorker"/> for what stays self-hosted and why).
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class ReadinessTests(HostKind host)
{
    private const string ReadyPath = Readiness.Path;
    private const string KeyName = "elevenlabs-api-key";
    private const string FirestoreKeyName = "firestore-service-account";

    private FirestoreRig _rig = null!;
    private KeyVaultStandIn _vault = null!;

    /// <summary>One app first (see <see cref="Readiness.WarmUpAsync"/>), so the 3 s bound below measures the time-outs.</summary>
    [OneTimeSetUp]
    public Task WarmUpAsync() => Readiness.WarmUpAsync(StartStandInsAsync, () => StartAppAsync(), StopStandInsAsync);

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

    /// <summary>Self-hosted, the keys come from the vault; under the worker, from the app settings.</summary>
    private bool ThroughTheVault => host == HostKind.SelfHosted;

    /// <summary>
    /// The app as deployed: self-hosted both keys in the vault, the project id in the settings; under the Functions
    /// host both keys as app settings (the worker's own SecretClient cannot be pointed at the vault stand-in, see
    /// <see cref="NotUnderTheWorker"/>). A <paramref name="time"/> is the self-hosted app's clock only.
    /// </summary>
    private Task<AppHost> StartAppAsync(TimeProvider? time = null)
    {
        if (!ThroughTheVault)
        {
            return AppHost.StartAsync(host, _rig.Settings(("Firestore:ProjectId", _rig.Account.ProjectId)));
        }

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

    /// <summary>
    /// What only the self-hosted app shows: the vault stand-in is reached through the app's in-process SecretClient
    /// options (its test certificate trusted, the challenge's resource check off, a test credential). A worker process's
    /// SecretClient checks that the challenge's resource (vault.azure.net) is a parent domain of the vault's host, which
    /// no loopback address is, so Key Vault's own failures and reads are checked self-hosted only.
    /// </summary>
    private void NotUnderTheWorker(string what)
    {
        if (!ThroughTheVault)
        {
            Assert.Ignore($"Self-hosted only: {what} is Key Vault's, and the vault stand-in is reached through in-process client options a worker process does not share");
        }
    }

    /// <summary>The bound: whatever is broken, the answer comes within 3 s (each check has 2 s).</summary>
    private static Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response, string Text)> ReadyAsync(AppHost app) =>
        Readiness.GetAsync(app, within: TimeSpan.FromSeconds(3));

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
        Assert.That(agent.Headers!["xi-api-key"].Single(), Is.EqualTo(_rig.ElevenLabs.ApiKey), ThroughTheVault ? "the key from the vault" : "the key from the app settings");
        Assert.That(_rig.Firestore.Requests.Single(r => r.RawTarget.Contains("/readiness-probe", StringComparison.Ordinal)).Method, Is.EqualTo("GET"));
        Assert.That(_rig.Firestore.Documents, Is.Empty, "readiness writes nothing");
        AssertNoSecretIn(text);
    }

    [Test]
    public async Task TheFirstCreateAfterStartFindsTheKeyReadTheTokenFetchedAndTheAnswerReady()
    {
        await using var app = await StartAppAsync();

        // Before any request: the start-up warm-up (one readiness run) did the slow first-time work.
        if (ThroughTheVault)
        {
            Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "the ElevenLabs key, from the vault");
        }

        Assert.That(_rig.Firestore.TokenRequests, Is.EqualTo(1), "the Google token");
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(1), "ElevenLabs, with that key");

        var (status, body, _) = await app.PostAsync(new { action = "create_session", userId = "u" });
        var (ready, _, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        if (ThroughTheVault)
        {
            Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "the first create did not wait for the vault");
        }

        Assert.That(_rig.Firestore.TokenRequests, Is.EqualTo(1), "nor for Google's token");
        Assert.That(ready, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(1), "readiness answered from the warm-up's run");
    }

    [Test]
    public async Task WithSessionsInMemoryTheStoreIsAlwaysReady()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var app = await AppHost.StartAsync(host, Settings.For(elevenLabs));

        var (status, body, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(Readiness.Check(body, "firestore")["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
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
        if (broken is Broken.VaultForbidden or Broken.VaultDown)
        {
            NotUnderTheWorker("a vault that refuses or is down");
        }

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
        Assert.That(Readiness.Check(body, check)["status"]!.GetValue<string>(), Is.EqualTo("unhealthy"));
        Assert.That(Readiness.Check(body, check)["code"]!.GetValue<string>(), Is.EqualTo(code));
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

    /// <summary>
    /// A cold start: the first call to ElevenLabs outlasts the 2 s check time-out (JIT, TLS, a cold connection), later
    /// ones do not. The start-up run says so in the log, but is not kept: the first readiness request runs the checks
    /// again and finds the instance ready (before: "not ready" with elevenlabs_timeout for 15 s after the start).
    /// </summary>
    [Test]
    public async Task ATimeOutInTheStartUpRunIsNotKeptTheFirstRequestChecksAgain()
    {
        _rig.ElevenLabs.AgentSlowOnlyFirst(TimeSpan.FromSeconds(3));
        await using var app = await StartAppAsync();

        var (status, body, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(Readiness.Check(body, "elevenlabs")["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
        Assert.That(app.LogMessages(LogLevel.Warning), Has.Some.Contains("Readiness check elevenlabs failed with elevenlabs_timeout"), "said at start");
    }

    [Test]
    public async Task FiftyCallsInTenSecondsCallEachDependencyAtMostOnce()
    {
        var time = ThroughTheVault ? new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)) : null;
        await using var app = await StartAppAsync(time);
        var clock = new AppClock(time);

        // Ten at once (they share one run), then forty more over the next ten seconds (on the real clock: at once).
        var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.Client.GetAsync(ReadyPath)));
        var statuses = first.Select(r => r.StatusCode).ToList();
        for (var i = 0; i < 40; i++)
        {
            time?.Advance(TimeSpan.FromMilliseconds(245));
            statuses.Add((await app.Client.GetAsync(ReadyPath)).StatusCode);
        }

        clock.StillInsideTheKeptResult();
        Assert.That(statuses, Has.Count.EqualTo(50).And.All.EqualTo(HttpStatusCode.OK));
        if (ThroughTheVault)
        {
            Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "Key Vault, ElevenLabs key");
            Assert.That(_vault.ReadsOf(FirestoreKeyName), Is.EqualTo(1), "Key Vault, Firestore key");
        }

        Assert.That(FirestoreProbes, Is.EqualTo(1), "Firestore");
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(1), "ElevenLabs");

        // Past the 15 s the result is kept, the dependencies are asked again; the key still comes from the secret cache.
        await clock.PastTheKeptResultAsync(TimeSpan.FromSeconds(15.8));
        var (status, _, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(FirestoreProbes, Is.EqualTo(2));
        Assert.That(_rig.ElevenLabs.AgentRequests, Has.Count.EqualTo(2));
        if (ThroughTheVault)
        {
            Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "inside the secret cache's TTL the vault is not read again");
        }
    }

    [Test]
    public async Task ANotReadyAnswerIsKeptFor15SecondsThenTheRecoveryShows()
    {
        var time = ThroughTheVault ? new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)) : null;
        _rig.ElevenLabs.ApiKey = "sk_revoked_" + Guid.NewGuid().ToString("N");
        await using var app = await StartAppAsync(time);
        var clock = new AppClock(time);

        var (refused, _, response, _) = await ReadyAsync(app);
        _rig.ElevenLabs.ApiKey = _rig.ElevenLabs.OriginalApiKey;
        time?.Advance(TimeSpan.FromSeconds(14)); // on the real clock: at once, still inside the 15 s
        var (stillKept, _, _, _) = await ReadyAsync(app);
        clock.StillInsideTheKeptResult();
        await clock.PastTheKeptResultAsync(TimeSpan.FromSeconds(15));
        var (recovered, body, _, text) = await ReadyAsync(app);

        Assert.That(refused, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        // On the fake clock no time passed since the start's run: all 15 s are left. On the real one, at most that.
        Assert.That(response.Headers.RetryAfter?.Delta, time is null ? Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(15)) : Is.EqualTo(TimeSpan.FromSeconds(15)),
            "when asking again can give another answer");
        Assert.That(stillKept, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(recovered, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(Readiness.Check(body, "elevenlabs")["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
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
