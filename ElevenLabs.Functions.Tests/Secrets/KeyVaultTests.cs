using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Secrets;

/// <summary>The ElevenLabs key (and the Firestore key) from Key Vault over HTTPS, read by the real SecretClient.</summary>
[TestFixture]
public sealed class KeyVaultTests
{
    private const string KeyName = "elevenlabs-api-key";
    private ElevenLabsStandIn _elevenLabs = null!;
    private KeyVaultStandIn _vault = null!;
    private FakeTimeProvider _time = null!;
    private TestTokenCredential _credential = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _vault = await KeyVaultStandIn.StartAsync();
        _vault.Secrets[KeyName] = _elevenLabs.ApiKey;
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        _credential = new TestTokenCredential();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _vault.DisposeAsync();
        _elevenLabs.Dispose();
    }

    private Task<AppHost> StartAppAsync(params (string Key, string? Value)[] extra)
    {
        var settings = Settings.For(_elevenLabs, [("KeyVault:Uri", _vault.Url.ToString()), ("ElevenLabs:ApiKey", "sk_config_value_that_must_be_ignored"), .. extra]);
        return AppHost.StartAsync(settings, b =>
        {
            _vault.ConnectApp(b.Services, _credential);
            b.Services.AddSingleton<TimeProvider>(_time);
        });
    }

    private static Task<(int Status, System.Text.Json.Nodes.JsonObject Body, HttpResponseMessage Response)> CreateAsync(AppHost app) =>
        app.PostAsync(new { action = "create_session", userId = "u" });

    [Test]
    public async Task CreateSessionUsesTheKeyFromTheVaultNotTheConfiguredOne()
    {
        await using var app = await StartAppAsync();

        var (status, body, _) = await CreateAsync(app);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(_elevenLabs.SignedUrlRequests.Single().RequestMessage.Headers!["xi-api-key"].Single(), Is.EqualTo(_elevenLabs.ApiKey));
        Assert.That(app.LogMessages(LogLevel.Information), Has.Some.Contains("Secrets come from Key Vault " + _vault.Url));
    }

    [Test]
    public async Task AHundredSimultaneousFirstRequestsMakeOneVaultRead()
    {
        await using var app = await StartAppAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => CreateAsync(app)));

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(200));
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1));
    }

    [Test]
    public async Task TheKeyIsReadAgainAfterTheCacheTtl()
    {
        await using var app = await StartAppAsync(("KeyVault:CacheTtl", "00:05:00"));

        await CreateAsync(app);
        _time.Advance(TimeSpan.FromMinutes(4));
        await CreateAsync(app);
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(1), "within the TTL the cached key serves");

        _time.Advance(TimeSpan.FromMinutes(2));
        var (status, _, _) = await CreateAsync(app);

        Assert.That(status, Is.EqualTo(200));
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(2));
    }

    [Test]
    public async Task AFailedRefreshServesTheLastKeyUntilTheHardLimit()
    {
        await using var app = await StartAppAsync(("KeyVault:CacheTtl", "00:05:00"), ("KeyVault:MaxStaleness", "01:00:00"));
        await CreateAsync(app);
        _vault.Behaviour = VaultBehaviour.Down;

        _time.Advance(TimeSpan.FromMinutes(10));
        var (staleStatus, _, _) = await CreateAsync(app);
        _time.Advance(TimeSpan.FromMinutes(60));
        var (expiredStatus, expired, response) = await CreateAsync(app);

        Assert.That(staleStatus, Is.EqualTo(200), "the last good key still serves while the vault is down");
        Assert.That(app.LogMessages(LogLevel.Warning), Has.Some.Contains("serving the last value read"));
        Assert.That(expiredStatus, Is.EqualTo(503));
        Api.ContractTests.AssertError(expired, "secret_unavailable");
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
    }

    [Test]
    public async Task ARotatedKeyIsPickedUpAfterAnElevenLabsUnauthorized()
    {
        await using var app = await StartAppAsync(("KeyVault:CacheTtl", "01:00:00"));
        await CreateAsync(app);
        var rotated = "sk_rotated_" + Guid.NewGuid().ToString("N");
        _elevenLabs.ApiKey = rotated;   // ElevenLabs now accepts only the new key...
        _vault.Secrets[KeyName] = rotated; // ...which is the vault's new version

        var (status, body, _) = await CreateAsync(app);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(_vault.ReadsOf(KeyName), Is.EqualTo(2), "one fresh read after the 401");
        Assert.That(_elevenLabs.SignedUrlRequests, Has.Count.EqualTo(3), "first session, the 401, the retry");
    }

    [Test]
    public async Task AnUnchangedKeyAfterUnauthorizedIsNotRetried()
    {
        await using var app = await StartAppAsync();
        _elevenLabs.ApiKey = "sk_revoked_" + Guid.NewGuid().ToString("N");

        var (status, body, _) = await CreateAsync(app);

        Assert.That(status, Is.EqualTo(502));
        Api.ContractTests.AssertError(body, "elevenlabs_unauthorized");
        Assert.That(_elevenLabs.SignedUrlRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AnUnreachableVaultIsServiceUnavailableAndHealthStaysUp()
    {
        _vault.Behaviour = VaultBehaviour.Down;
        await using var app = await StartAppAsync();

        var health = await app.Client.GetAsync("/elevenlabs-conversation");
        var (status, body, _) = await CreateAsync(app);

        Assert.That((int)health.StatusCode, Is.EqualTo(200));
        Assert.That(status, Is.EqualTo(503));
        Api.ContractTests.AssertError(body, "secret_unavailable");
        Assert.That(app.LogMessages(LogLevel.Error), Has.Some.Contains(_vault.Url.ToString()).And.Contains(KeyName));
    }

    [Test]
    public async Task DuringAnOutageTheVaultIsAskedAgainOnlyAfterAFewSeconds()
    {
        _vault.Behaviour = VaultBehaviour.Forbidden;
        await using var app = await StartAppAsync();

        await CreateAsync(app);
        var afterFirst = _vault.ReadsOf(KeyName);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync(app)));
        var duringWindow = _vault.ReadsOf(KeyName);
        _time.Advance(TimeSpan.FromSeconds(6));
        _vault.Behaviour = VaultBehaviour.Normal;
        var (status, _, _) = await CreateAsync(app);

        Assert.That(duringWindow, Is.EqualTo(afterFirst), "20 requests in the window reuse the failed read");
        Assert.That(status, Is.EqualTo(200), "after the window the vault is read again, and now answers");
    }

    /// <summary>A throttled vault (429), or one that does not answer in time.</summary>
    [TestCase(VaultBehaviour.Throttled)]
    [TestCase(VaultBehaviour.Slow)]
    public async Task AThrottledOrSlowVaultIsServiceUnavailable(VaultBehaviour behaviour)
    {
        _vault.Behaviour = behaviour;
        await using var app = await StartAppAsync();

        var (status, body, _) = await CreateAsync(app);

        Assert.That(status, Is.EqualTo(503));
        Api.ContractTests.AssertError(body, "secret_unavailable");
    }

    [Test]
    public async Task AForbiddenVaultTellsTheOperatorWhichRoleIsMissing()
    {
        _vault.Behaviour = VaultBehaviour.Forbidden;
        await using var app = await StartAppAsync();

        var (status, body, _) = await CreateAsync(app);

        Assert.That(status, Is.EqualTo(500));
        Api.ContractTests.AssertError(body, "secret_forbidden");
        var stored = ((InMemorySessionStore)app.Services.GetRequiredService<ISessionStore>()).Snapshot();
        Assert.That(stored, Is.Empty, "no session is written when the key cannot be read");
        Assert.That(app.LogMessages(LogLevel.Error), Has.Some.Contains("Key Vault Secrets User").And.Contains(KeyName));
    }

    [Test]
    public async Task AMissingSecretSaysTheKeyIsNotConfiguredAndHowToAddIt()
    {
        _vault.Secrets.Clear();
        await using var app = await StartAppAsync();

        var (status, body, _) = await CreateAsync(app);

        Assert.That(status, Is.EqualTo(500));
        Api.ContractTests.AssertError(body, "api_key_not_configured");
        Assert.That(app.LogMessages(LogLevel.Warning), Has.Some.Contains("has no secret " + KeyName).And.Contains("az keyvault secret set"));
    }

    [Test]
    public async Task TheFirestoreKeyFromTheVaultFeedsTheFirestoreStore()
    {
        await using var rig = await FirestoreRig.StartAsync();
        _vault.Secrets["firestore-service-account"] = rig.Account.Json;
        var settings = rig.Settings(("KeyVault:Uri", _vault.Url.ToString()), ("Firestore:ProjectId", "replit-4f946"));
        settings.Remove("Firestore:CredentialsJson");
        _vault.Secrets[KeyName] = rig.ElevenLabs.ApiKey;
        await using var app = await AppHost.StartAsync(settings, b => _vault.ConnectApp(b.Services, _credential));

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(rig.Firestore.Document("replit-4f946", "conversation-sessions", body["conversationId"]!.GetValue<string>()), Is.Not.Null);
        Assert.That(rig.Firestore.TokenRequests, Is.EqualTo(1));
        Assert.That(_vault.ReadsOf("firestore-service-account"), Is.EqualTo(1));
        var logs = app.LogText();
        Assert.That(logs, Does.Not.Contain(rig.Account.PrivateKeyFragment));
        Assert.That(logs, Does.Not.Contain(rig.ElevenLabs.ApiKey));
    }

    [Test]
    public async Task NoSecretValueAppearsInAnyLogLine()
    {
        await using var app = await StartAppAsync();
        await CreateAsync(app);
        var rotated = "sk_rotated_" + Guid.NewGuid().ToString("N");
        _elevenLabs.ApiKey = rotated;
        _vault.Secrets[KeyName] = rotated;
        await CreateAsync(app);
        _vault.Behaviour = VaultBehaviour.Down;
        _time.Advance(TimeSpan.FromMinutes(10));
        await CreateAsync(app);

        var logs = app.LogText();

        Assert.That(logs, Does.Contain("Key Vault"), "the capture sees the vault's log lines");
        Assert.That(logs, Does.Not.Contain(rotated));
        Assert.That(logs, Does.Not.Contain("sk_test_"));
        Assert.That(logs, Does.Not.Contain("sk_config_value_that_must_be_ignored"));
        Assert.That(logs, Does.Not.Contain(KeyVaultStandIn.Token));
    }
}
