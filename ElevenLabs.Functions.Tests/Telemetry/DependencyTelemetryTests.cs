using ElevenLabs.Functions.Tests.Support;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Telemetry;

/// <summary>With every dependency in play (ElevenLabs, Firestore, Key Vault), each call is reported and none carries a secret.</summary>
[TestFixture]
public sealed class DependencyTelemetryTests
{
    [Test]
    public async Task ElevenLabsFirestoreAndKeyVaultCallsAreReportedWithoutSecrets()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var vault = await KeyVaultStandIn.StartAsync();
        vault.Secrets["elevenlabs-api-key"] = rig.ElevenLabs.ApiKey;
        vault.Secrets["firestore-service-account"] = rig.Account.Json;
        var settings = rig.Settings(("KeyVault:Uri", vault.Url.ToString()), ("APPLICATIONINSIGHTS_CONNECTION_STRING", InMemoryTelemetryChannel.ConnectionString));
        settings.Remove("Firestore:CredentialsJson");
        settings.Remove("ElevenLabs:ApiKey");
        settings["Firestore:ProjectId"] = "replit-4f946";
        var channel = new InMemoryTelemetryChannel();
        await using var app = await AppHost.StartAsync(settings, b =>
        {
            b.Services.AddSingleton<ITelemetryChannel>(channel);
            vault.ConnectApp(b.Services, new TestTokenCredential());
        }, LogLevel.Information);

        var (status, body, _) = await app.PostAsync(new { action = "create_session", userId = "u" });
        await app.PostAsync(new { action = "end_session", conversationId = body["conversationId"]!.GetValue<string>() });
        app.Services.GetRequiredService<TelemetryClient>().Flush();

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var targets = channel.Items.OfType<DependencyTelemetry>().Select(d => d.Data).ToList();
        Assert.That(targets, Has.Some.Contains(rig.ElevenLabs.Url + "/v1/convai/conversation/get-signed-url"), "ElevenLabs");
        Assert.That(targets, Has.Some.Contains(rig.Firestore.Url + "v1/projects/replit-4f946/databases/(default)/documents/conversation-sessions"), "Firestore");
        Assert.That(targets, Has.Some.Contains(vault.Url + "secrets/elevenlabs-api-key"), "Key Vault");
        var wire = channel.WireFormat();
        Assert.That(wire, Does.Not.Contain(rig.ElevenLabs.ApiKey));
        Assert.That(wire, Does.Not.Contain(rig.ElevenLabs.Token));
        Assert.That(wire, Does.Not.Contain(rig.Account.PrivateKeyFragment));
        Assert.That(wire, Does.Not.Contain("ya29.standin-"), "the Firestore bearer token");
        Assert.That(wire, Does.Not.Contain(KeyVaultStandIn.Token), "the Key Vault bearer token");
    }
}
