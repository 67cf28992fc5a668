using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Infra;

/// <summary>
/// infra/setup-webhook.sh against the ElevenLabs stand-in (workspace webhooks and the Agents platform's settings, as
/// documented) and a stand-in <c>az</c> whose Key Vault keeps the secrets it is given: one webhook for the app's URL
/// with retries on, named as the post-call webhook, its secret in Key Vault; a second run changes nothing.
/// </summary>
[TestFixture]
public sealed class WebhookStepTests
{
    private const string AppUrl = "https://func-elconv-abc123.azurewebsites.net/elevenlabs-webhook";

    private ElevenLabsStandIn _elevenLabs = null!;
    private ScriptRig _rig = null!;

    [SetUp]
    public void Start()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _rig = new ScriptRig(("az", ScriptRig.FakeAz()));
    }

    [TearDown]
    public void Stop()
    {
        _rig.Dispose();
        _elevenLabs.Dispose();
    }

    private (int Exit, string Output, string Errors, string[] Calls) Run(Dictionary<string, string?>? extra = null, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["WEBHOOK_URL"] = AppUrl,
            ["KEY_VAULT_NAME"] = "kv-test",
            ["ELEVENLABS_API_KEY"] = _elevenLabs.ApiKey,
            ["ELEVENLABS_BASE_URL"] = _elevenLabs.Url,
        };
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }

        return _rig.Run("setup-webhook.sh", environment, arguments);
    }

    private string? VaultSecret => File.Exists(_rig.StatePath("secret-elevenlabs-webhook-secret")) ? File.ReadAllText(_rig.StatePath("secret-elevenlabs-webhook-secret")) : null;

    private static string[] SecretWrites(string[] calls) => [.. calls.Where(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal))];

    private int Requests(string method) => _elevenLabs.Server.LogEntries.Count(e => e.RequestMessage.Method == method);

    [Test]
    public void RunTwiceItMakesOneWebhookWithRetriesAndOneSecretAndTheSecondRunChangesNothing()
    {
        var first = Run();

        Assert.That(first.Exit, Is.Zero, first.Errors);
        var webhook = _elevenLabs.WorkspaceWebhooks.Single();
        Assert.That(webhook.Url, Is.EqualTo(AppUrl));
        Assert.That(webhook.RetryEnabled, Is.True, "retries are off by default: the step turns them on");
        Assert.That(webhook.IsDisabled, Is.False);
        Assert.That(_elevenLabs.PostCallWebhookId, Is.EqualTo(webhook.Id), "the Agents platform sends post-call events to it");
        Assert.That(_elevenLabs.PostCallEvents, Does.Contain("transcript"));
        Assert.That(VaultSecret, Is.EqualTo(webhook.Secret), "the secret the create answered, as the app reads it");
        Assert.That(SecretWrites(first.Calls), Has.Length.EqualTo(1));
        Assert.That(first.Output + first.Errors, Does.Not.Contain(webhook.Secret).And.Not.Contain(_elevenLabs.ApiKey), "secrets never printed");
        Assert.That(first.Calls, Has.None.Contains(webhook.Secret).And.None.Contains(_elevenLabs.ApiKey), "nor on a command line");

        var posts = Requests("POST");
        var writes = _elevenLabs.WorkspaceWrites;
        var second = Run();

        Assert.That(second.Exit, Is.Zero, second.Errors);
        Assert.That(_elevenLabs.WorkspaceWebhooks, Is.EqualTo(new[] { webhook }), "the same one webhook, unchanged");
        Assert.That(Requests("POST"), Is.EqualTo(posts), "no second webhook is created");
        Assert.That(Requests("DELETE"), Is.Zero);
        Assert.That(SecretWrites(second.Calls), Is.Empty, "the secret is not rotated unless asked");
        Assert.That(VaultSecret, Is.EqualTo(webhook.Secret));
        Assert.That(_elevenLabs.WorkspaceWrites - writes, Is.EqualTo(1), "only the retry setting is sent again (ElevenLabs does not report it), with the same values");
        Assert.That(second.Errors, Does.Contain("Key Vault secret elevenlabs-webhook-secret: kept").And.Contain(": as asked"));
        Assert.That(second.Output.Trim(), Is.EqualTo(first.Output.Trim()));
    }

    [Test]
    public void WithoutAnApiKeyItFailsNamingItAndChangesNothing()
    {
        var (exit, _, errors, calls) = Run(new() { ["ELEVENLABS_API_KEY"] = null });

        Assert.That(exit, Is.Not.Zero);
        Assert.That(errors, Does.Contain("no ElevenLabs API key").And.Contain("ELEVENLABS_API_KEY"));
        Assert.That(SecretWrites(calls), Is.Empty);
        Assert.That(_elevenLabs.Server.LogEntries, Is.Empty, "ElevenLabs is not called without a key");
    }

    [Test]
    public void TheKeyIsReadFromAFileAsDeployReadsItAndABadOneStopsItBeforeCallingAnything()
    {
        var keyFile = Path.Combine(_rig.Directory, "elevenlabs-key");
        File.WriteAllText(keyFile, _elevenLabs.ApiKey + "\r\n");
        var empty = Path.Combine(_rig.Directory, "empty-key");
        File.WriteAllText(empty, "\n");

        var fromFile = Run(new() { ["ELEVENLABS_API_KEY"] = null, ["ELEVENLABS_API_KEY_FILE"] = keyFile });
        var requests = _elevenLabs.Server.LogEntries.Count();
        var emptyFile = Run(new() { ["ELEVENLABS_API_KEY"] = null, ["ELEVENLABS_API_KEY_FILE"] = empty });
        var spaced = Run(new() { ["ELEVENLABS_API_KEY"] = "sk_ with a space" });

        Assert.That(fromFile.Exit, Is.Zero, fromFile.Errors);
        Assert.That(_elevenLabs.WorkspaceWebhooks, Has.Count.EqualTo(1), "ElevenLabs took the key without its line break");
        Assert.That(emptyFile.Exit, Is.EqualTo(1));
        Assert.That(emptyFile.Errors, Does.Contain($"ELEVENLABS_API_KEY_FILE '{empty}' cannot be read or is empty"), "deploy.sh's and set-secrets.sh's words");
        Assert.That(spaced.Exit, Is.EqualTo(1));
        Assert.That(spaced.Errors, Does.Contain("ELEVENLABS_API_KEY has spaces or control characters"));
        Assert.That(emptyFile.Calls.Concat(spaced.Calls), Is.Empty, "no az call");
        Assert.That(_elevenLabs.Server.LogEntries.Count(), Is.EqualTo(requests), "no ElevenLabs call");
    }

    [TestCase(null, "set WEBHOOK_URL")]
    [TestCase("http://func-elconv.azurewebsites.net/elevenlabs-webhook", "WEBHOOK_URL must be https://<host>/elevenlabs-webhook")]
    [TestCase("https://func-elconv.azurewebsites.net/elevenlabs-conversation", "WEBHOOK_URL must be https://<host>/elevenlabs-webhook")]
    public void WithoutTheAppsWebhookUrlItFailsNamingItBeforeCallingAnything(string? url, string message)
    {
        var (exit, _, errors, calls) = Run(new() { ["WEBHOOK_URL"] = url });

        Assert.That(exit, Is.Not.Zero);
        Assert.That(errors, Does.Contain(message));
        Assert.That(calls, Is.Empty, "no az call");
        Assert.That(_elevenLabs.Server.LogEntries, Is.Empty, "no ElevenLabs call");
    }

    [Test]
    public void AWebhookMadeByHandWhoseSecretTheVaultLacksIsReplacedByOneWhoseSecretItHas()
    {
        var manual = _elevenLabs.AddWorkspaceWebhook("made by hand", AppUrl, usedForPostCall: true);

        var (exit, _, errors, calls) = Run();

        Assert.That(exit, Is.Zero, errors);
        var webhook = _elevenLabs.WorkspaceWebhooks.Single();
        Assert.That(webhook.Id, Is.Not.EqualTo(manual.Id), "its secret cannot be read back from ElevenLabs");
        Assert.That(_elevenLabs.PostCallWebhookId, Is.EqualTo(webhook.Id));
        Assert.That(VaultSecret, Is.EqualTo(webhook.Secret));
        Assert.That(SecretWrites(calls), Has.Length.EqualTo(1));
        Assert.That(errors, Does.Contain($"ElevenLabs webhook {manual.Id}: deleted"));
    }

    [Test]
    public void RotateMakesANewWebhookAndSecretAndDeletesTheOldOne()
    {
        Assert.That(Run().Exit, Is.Zero);
        var before = _elevenLabs.WorkspaceWebhooks.Single();

        var (exit, _, errors, calls) = Run(null, "--rotate");

        Assert.That(exit, Is.Zero, errors);
        var after = _elevenLabs.WorkspaceWebhooks.Single();
        Assert.That(after.Id, Is.Not.EqualTo(before.Id));
        Assert.That(after.RetryEnabled, Is.True);
        Assert.That(_elevenLabs.PostCallWebhookId, Is.EqualTo(after.Id));
        Assert.That(VaultSecret, Is.EqualTo(after.Secret).And.Not.EqualTo(before.Secret));
        Assert.That(SecretWrites(calls), Has.Length.EqualTo(1));
    }

    [Test]
    public void AnotherIntegrationsPostCallWebhookIsNotTakenOverUnlessAsked()
    {
        var other = _elevenLabs.AddWorkspaceWebhook("CRM", "https://crm.example.com/hooks/elevenlabs", usedForPostCall: true);

        var refused = Run();

        Assert.That(refused.Exit, Is.Not.Zero);
        Assert.That(refused.Errors, Does.Contain($"go to webhook {other.Id} (https://crm.example.com/hooks/elevenlabs)").And.Contain("ELEVENLABS_WEBHOOK_REPLACE=true"));
        Assert.That(_elevenLabs.WorkspaceWrites, Is.Zero, "nothing changed at ElevenLabs");
        Assert.That(SecretWrites(refused.Calls), Is.Empty);

        var replaced = Run(new() { ["ELEVENLABS_WEBHOOK_REPLACE"] = "true" });

        Assert.That(replaced.Exit, Is.Zero, replaced.Errors);
        var ours = _elevenLabs.WorkspaceWebhooks.Single(w => w.Url == AppUrl);
        Assert.That(_elevenLabs.PostCallWebhookId, Is.EqualTo(ours.Id));
        Assert.That(_elevenLabs.WorkspaceWebhooks, Has.Count.EqualTo(2), "the other integration's webhook is left alone");
    }

    [Test]
    public void AWebhookElevenLabsDisabledAfterFailuresIsEnabledAgainByTheDeploy()
    {
        Assert.That(Run().Exit, Is.Zero);
        var webhook = _elevenLabs.WorkspaceWebhooks.Single();
        _elevenLabs.AutoDisableWorkspaceWebhook(webhook.Id, 503, DateTimeOffset.UtcNow);

        var (exit, _, errors, calls) = Run();

        Assert.That(exit, Is.Zero, errors);
        Assert.That(_elevenLabs.WorkspaceWebhooks.Single(), Has.Property("Id").EqualTo(webhook.Id).And.Property("IsAutoDisabled").False.And.Property("IsDisabled").False);
        Assert.That(errors, Does.Contain("disabled it after failures (last: HTTP 503"));
        Assert.That(SecretWrites(calls), Is.Empty);
    }
}
