using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>Which way in <c>Firestore:Auth</c> chooses, and the settings of workload identity that stop the start.</summary>
[TestFixture]
public sealed class WorkloadIdentityConfigurationTests
{
    private const string Audience = "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/azure-apps/providers/elevenlabs-function";

    private static Dictionary<string, string?> WorkloadIdentity(ElevenLabsStandIn elevenLabs, params (string Key, string? Value)[] extra) =>
        Settings.For(elevenLabs,
        [
            ("Sessions:Store", null),
            ("Firestore:ProjectId", "replit-4f946"),
            ("Firestore:WorkloadIdentity:Audience", Audience),
            ("Firestore:WorkloadIdentity:ServiceAccountEmail", "elevenlabs-sessions@replit-4f946.iam.gserviceaccount.com"),
            ("Firestore:WorkloadIdentity:AzureTokenScope", "api://elevenlabs-firestore/.default"),
            .. extra,
        ]);

    private static async Task<string> StoreNameAsync(Dictionary<string, string?> settings)
    {
        await using var app = await AppHost.StartAsync(settings);
        return app.Services.GetRequiredService<ISessionStore>().Name;
    }

    [Test]
    public async Task WithoutFirestoreAuthTheWorkloadIdentitySettingsChooseItWhenNoKeyIsConfigured()
    {
        using var elevenLabs = new ElevenLabsStandIn();

        Assert.That(await StoreNameAsync(WorkloadIdentity(elevenLabs)), Does.Contain("workload identity federation")
            .And.Contain("pool azure-apps provider elevenlabs-function").And.Contain("elevenlabs-sessions@replit-4f946.iam.gserviceaccount.com"));
    }

    [Test]
    public async Task AConfiguredKeyStaysTheDefaultUntilFirestoreAuthSaysWorkloadIdentity()
    {
        await using var rig = await FirestoreRig.StartAsync();

        Assert.That(await StoreNameAsync(WorkloadIdentity(rig.ElevenLabs, ("Firestore:CredentialsJson", rig.Account.Json))),
            Does.Contain("a service-account key"));
        Assert.That(await StoreNameAsync(WorkloadIdentity(rig.ElevenLabs, ("Firestore:CredentialsJson", rig.Account.Json), ("Firestore:Auth", "workloadidentity"))),
            Does.Contain("workload identity federation"));
        Assert.That(await StoreNameAsync(WorkloadIdentity(rig.ElevenLabs, ("Firestore:Auth", "ServiceAccountKey"))), Does.Contain("a service-account key"));
    }

    [Test]
    public void EveryWrongWorkloadIdentitySettingIsNamed()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        var settings = Settings.For(elevenLabs,
            ("Sessions:Store", null),
            ("Firestore:Auth", "WorkloadIdentity"),
            ("Firestore:WorkloadIdentity:Audience", "projects/123/locations/global/workloadIdentityPools/azure-apps"),
            ("Firestore:WorkloadIdentity:ServiceAccountEmail", "elevenlabs-sessions"),
            ("Firestore:WorkloadIdentity:StsUrl", "ftp://sts.example"),
            ("Firestore:WorkloadIdentity:ImpersonationUrl", "not a url"));

        var error = Assert.CatchAsync(() => AppHost.StartAsync(settings))!;

        Assert.That(Program.ConfigurationFailures(error), Is.EquivalentTo(new[]
        {
            "Firestore:ProjectId must be set with Firestore:Auth=WorkloadIdentity (there is no key to read it from).",
            "Firestore:WorkloadIdentity:Audience must be //iam.googleapis.com/projects/<project number>/locations/global/workloadIdentityPools/<pool>/providers/<provider> "
                + "(got 'projects/123/locations/global/workloadIdentityPools/azure-apps').",
            "Firestore:WorkloadIdentity:ServiceAccountEmail must be the service account's e-mail, e.g. elevenlabs-sessions@<project>.iam.gserviceaccount.com (got 'elevenlabs-sessions').",
            "Firestore:WorkloadIdentity:AzureTokenScope must be the application ID URI the Google provider accepts, with /.default, e.g. api://elevenlabs-firestore/.default (got '').",
            "Firestore:WorkloadIdentity:StsUrl must be an absolute http(s) URL.",
            "Firestore:WorkloadIdentity:ImpersonationUrl must be an absolute http(s) URL.",
        }));
    }

    [Test]
    public void AnUnknownFirestoreAuthIsNamed()
    {
        using var elevenLabs = new ElevenLabsStandIn();

        var error = Assert.CatchAsync(() => AppHost.StartAsync(WorkloadIdentity(elevenLabs, ("Firestore:Auth", "Keyless"))))!;

        Assert.That(Program.ConfigurationFailures(error), Is.EqualTo(new[] { "Firestore:Auth must be ServiceAccountKey or WorkloadIdentity." }));
    }

    [Test]
    public async Task TheStartStopsWithOneLinePerWrongWorkloadIdentitySetting()
    {
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{AppOutput.FreePort()}"], new Dictionary<string, string>
        {
            ["Firestore__Auth"] = "WorkloadIdentity",
            ["Firestore__ProjectId"] = "replit-4f946",
            ["Firestore__WorkloadIdentity__Audience"] = "//iam.googleapis.com/projects/my-project/locations/global/workloadIdentityPools/azure-apps/providers/elevenlabs-function",
            ["Firestore__WorkloadIdentity__ServiceAccountEmail"] = "elevenlabs-sessions@replit-4f946.iam.gserviceaccount.com",
        });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.Process.WaitForExitAsync(timeout.Token);

        Assert.That(app.Process.ExitCode, Is.EqualTo(1), app.Output);
        var lines = app.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines, Does.Contain("The app cannot start: its configuration is wrong."));
        Assert.That(lines, Is.SupersetOf(new[]
        {
            "  Firestore:WorkloadIdentity:Audience must be //iam.googleapis.com/projects/<project number>/locations/global/workloadIdentityPools/<pool>/providers/<provider> "
                + "(got '//iam.googleapis.com/projects/my-project/locations/global/workloadIdentityPools/azure-apps/providers/elevenlabs-function').",
            "  Firestore:WorkloadIdentity:AzureTokenScope must be the application ID URI the Google provider accepts, with /.default, e.g. api://elevenlabs-firestore/.default (got '').",
        }));
    }
}
