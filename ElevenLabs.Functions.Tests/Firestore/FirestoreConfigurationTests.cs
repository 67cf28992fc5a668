using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>How the store is chosen, the emulator mode, and keys that stop the start.</summary>
[TestFixture]
public sealed class FirestoreConfigurationTests
{
    [Test]
    public async Task TheEmulatorHostMeansPlainHttpAndBearerOwnerWithNoKey()
    {
        await using var rig = await FirestoreRig.StartAsync();
        rig.Firestore.AcceptEmulatorOwner = true;
        await using var app = await AppHost.StartAsync(new Dictionary<string, string?>(Settings.For(rig.ElevenLabs))
        {
            ["Sessions:Store"] = null,
            ["FIRESTORE_EMULATOR_HOST"] = rig.Firestore.HostAndPort,
            ["Firestore:ProjectId"] = "demo-project",
        });

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(rig.Firestore.Document("demo-project", "conversation-sessions", body["conversationId"]!.GetValue<string>()), Is.Not.Null);
        Assert.That(rig.Firestore.Requests.Select(r => r.Authorization), Has.All.EqualTo("Bearer owner"));
        Assert.That(rig.Firestore.TokenRequests, Is.Zero);
    }

    [Test]
    public async Task WithoutAnyFirestoreSettingSessionsStayInMemoryInDevelopmentOnly()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        var settings = Settings.For(elevenLabs);
        settings.Remove("Sessions:Store");
        await using var app = await AppHost.StartAsync(settings, environment: "Development");

        Assert.That(app.Services.GetRequiredService<ISessionStore>(), Is.TypeOf<InMemorySessionStore>());
        var refused = Assert.ThrowsAsync<OptionsValidationException>(() => AppHost.StartAsync(settings, environment: "Production"));
        Assert.That(refused!.Failures.Single(), Does.StartWith("Sessions:Store is Auto but Firestore is not configured"));
    }

    [Test]
    public void AnInlineKeyThatIsNotAServiceAccountKeyStopsTheStart()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        var settings = Settings.For(elevenLabs, ("Sessions:Store", null), ("Firestore:CredentialsJson", """{"type":"authorized_user"}"""));

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AppHost.StartAsync(settings));

        Assert.That(error!.Message, Does.Contain("Firestore:CredentialsJson"));
    }

    [TestCase("usage/daily", "Firestore:UsageCollection must match")]
    [TestCase("conversation-sessions", "Firestore:UsageCollection must differ from Firestore:Collection")]
    public void AUsageCollectionThatCannotHoldTheCountsStopsTheStart(string collection, string message)
    {
        using var elevenLabs = new ElevenLabsStandIn();
        var settings = Settings.For(elevenLabs, ("Sessions:Store", "Firestore"), ("Firestore:ProjectId", "p"), ("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1"),
            ("Firestore:UsageCollection", collection));

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AppHost.StartAsync(settings));

        Assert.That(error!.Message, Does.Contain(message));
    }

    [Test]
    public void AKeyFileThatCannotBeReadStopsTheStart()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        var settings = Settings.For(elevenLabs, ("Sessions:Store", null), ("GOOGLE_APPLICATION_CREDENTIALS", missing));

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AppHost.StartAsync(settings));

        Assert.That(error!.Message, Does.Contain("GOOGLE_APPLICATION_CREDENTIALS").And.Contain(missing));
    }

    [Test]
    public async Task AKeyFileNamedByGoogleApplicationCredentialsIsUsed()
    {
        await using var rig = await FirestoreRig.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        await File.WriteAllTextAsync(file, rig.Account.Json);
        try
        {
            var settings = rig.Settings();
            settings.Remove("Firestore:CredentialsJson");
            settings["GOOGLE_APPLICATION_CREDENTIALS"] = file;
            await using var app = await AppHost.StartAsync(settings);

            var (status, body, _) = await app.PostAsync(new { action = "create_session" });

            Assert.That(status, Is.EqualTo(200), body.ToJsonString());
            Assert.That(rig.Firestore.TokenRequests, Is.EqualTo(1));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
