using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Webhooks;

/// <summary>
/// The webhook secret from Key Vault (the real SecretClient over HTTPS): cached like the API key, and during a rotation
/// events signed with the new and with the previous secret both verify.
/// </summary>
[TestFixture]
public sealed class WebhookSecretTests
{
    private const string SecretName = "elevenlabs-webhook-secret";
    private ElevenLabsStandIn _elevenLabs = null!;
    private KeyVaultStandIn _vault = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _vault = await KeyVaultStandIn.StartAsync();
        _vault.Secrets["elevenlabs-api-key"] = _elevenLabs.ApiKey;
        _time = new FakeTimeProvider(DateTimeOffset.UtcNow);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _vault.DisposeAsync();
        _elevenLabs.Dispose();
    }

    private Task<AppHost> StartAppAsync() =>
        AppHost.StartAsync(Settings.For(_elevenLabs, ("KeyVault:Uri", _vault.Url.ToString()), ("KeyVault:CacheTtl", "00:05:00")), b =>
        {
            _vault.ConnectApp(b.Services, new TestTokenCredential());
            b.Services.AddSingleton<TimeProvider>(_time);
        });

    private async Task<(int Status, JsonObject Body)> DeliverAsync(AppHost app, string secret)
    {
        var body = ElevenLabsEvents.Bytes(ElevenLabsEvents.InitiationFailure("conv_" + Guid.NewGuid().ToString("N")));
        using var request = WebhookSigner.Request(secret, _time.GetUtcNow(), body);
        using var response = await app.Client.SendAsync(request);
        return ((int)response.StatusCode, await AppHost.ReadAsync(response));
    }

    [Test]
    public async Task DuringARotationTheNewAndThePreviousSecretBothVerify()
    {
        var previous = WebhookSigner.NewSecret();
        var next = WebhookSigner.NewSecret();
        _vault.Secrets[SecretName] = previous;
        await using var app = await StartAppAsync();
        Assert.That((await DeliverAsync(app, previous)).Status, Is.EqualTo(200));

        _vault.Secrets[SecretName] = next; // rotated in the vault; the app's cached value is still the previous one
        var (withNext, answer) = await DeliverAsync(app, next);
        var (withPrevious, _) = await DeliverAsync(app, previous);

        Assert.That(withNext, Is.EqualTo(200), answer.ToJsonString() + " (a mismatch reads the secret afresh)");
        Assert.That(withPrevious, Is.EqualTo(200), "events ElevenLabs signed before the rotation still verify");
        Assert.That(_vault.ReadsOf(SecretName), Is.EqualTo(2));

        _time.Advance(TimeSpan.FromMinutes(61));
        Assert.That((await DeliverAsync(app, previous)).Status, Is.EqualTo(401), "the previous secret is kept for an hour");
        Assert.That((await DeliverAsync(app, next)).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task ForgeriesDoNotDriveTheVault()
    {
        _vault.Secrets[SecretName] = WebhookSigner.NewSecret();
        await using var app = await StartAppAsync();

        var answers = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add((await DeliverAsync(app, WebhookSigner.NewSecret())).Status);
        }

        Assert.That(answers, Has.All.EqualTo(401));
        Assert.That(_vault.ReadsOf(SecretName), Is.EqualTo(2), "one read, and one fresh read for the first mismatch");
    }

    [Test]
    public async Task WithoutAWebhookSecretEventsAreAServerErrorThatSaysWhatToSet()
    {
        await using var app = await StartAppAsync(); // the vault has no elevenlabs-webhook-secret

        var (status, body) = await DeliverAsync(app, WebhookSigner.NewSecret());

        Assert.That(status, Is.EqualTo(500), body.ToJsonString());
        Api.ContractTests.AssertError(body, "webhook_secret_not_configured");
    }
}
