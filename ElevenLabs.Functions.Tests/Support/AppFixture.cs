using Microsoft.AspNetCore.Builder;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// A fixture with one self-hosted app for all its tests, on stand-ins that are reset before each test.
/// Subclasses add settings (<see cref="ExtraSettings"/>) or replace services (<see cref="Configure"/>).
/// </summary>
public abstract class AppFixture<TStandIns> where TStandIns : class, IStandIns<TStandIns>
{
    protected TStandIns StandIns { get; private set; } = null!;
    protected AppHost App { get; private set; } = null!;

    /// <summary>Settings on top of the stand-ins' own.</summary>
    protected virtual IEnumerable<(string Key, string? Value)> ExtraSettings => [];

    /// <summary>Services the fixture replaces (time, say), before the app's own registrations.</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    [OneTimeSetUp]
    public async Task StartAppAsync()
    {
        StandIns = await TStandIns.StartAsync();
        App = await AppHost.StartAsync(StandIns.Settings([.. ExtraSettings]), Configure);
    }

    [SetUp]
    public void ResetStandIns() => StandIns.Reset();

    [OneTimeTearDown]
    public async Task StopAppAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (StandIns is not null)
        {
            await StandIns.DisposeAsync();
        }
    }
}

/// <summary>The app on an ElevenLabs stand-in, sessions in memory.</summary>
public abstract class AppFixture : AppFixture<ElevenLabsStandIn>
{
    protected ElevenLabsStandIn ElevenLabsApi => StandIns;
}
