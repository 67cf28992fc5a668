using Microsoft.AspNetCore.Builder;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>A fixture with one self-hosted app on an ElevenLabs stand-in; subclasses add settings or services.</summary>
public abstract class AppFixture
{
    protected ElevenLabsStandIn ElevenLabsApi { get; private set; } = null!;
    protected AppHost App { get; private set; } = null!;

    /// <summary>Settings on top of <see cref="Settings.For"/>.</summary>
    protected virtual IEnumerable<(string Key, string? Value)> ExtraSettings => [];

    /// <summary>Services the fixture replaces (time, say), before the app's own registrations.</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    [OneTimeSetUp]
    public async Task StartAppAsync()
    {
        ElevenLabsApi = new ElevenLabsStandIn();
        App = await AppHost.StartAsync(Settings.For(ElevenLabsApi, [.. ExtraSettings]), Configure);
    }

    [SetUp]
    public void ResetElevenLabs() => ElevenLabsApi.Reset();

    [OneTimeTearDown]
    public async Task StopAppAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        ElevenLabsApi?.Dispose();
    }
}

/// <summary>A fixture with one self-hosted app on the Firestore and ElevenLabs stand-ins, through a service account.</summary>
public abstract class FirestoreAppFixture
{
    protected FirestoreRig Rig { get; private set; } = null!;
    protected AppHost App { get; private set; } = null!;

    protected virtual IEnumerable<(string Key, string? Value)> ExtraSettings => [];

    [OneTimeSetUp]
    public async Task StartAppAsync()
    {
        Rig = await FirestoreRig.StartAsync();
        App = await AppHost.StartAsync(Rig.Settings([.. ExtraSettings]));
    }

    [SetUp]
    public void ResetStandIns()
    {
        Rig.Firestore.ClearFaults();
        Rig.ElevenLabs.Reset();
    }

    [OneTimeTearDown]
    public async Task StopAppAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Rig is not null)
        {
            await Rig.DisposeAsync();
        }
    }
}
