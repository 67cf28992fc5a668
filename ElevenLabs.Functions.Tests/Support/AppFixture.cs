using Microsoft.AspNetCore.Builder;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// A fixture with one app for all its tests, on stand-ins that are reset before each test, under the host the fixture
/// parameter names (<c>[TestFixture(HostKind.SelfHosted)] [TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]</c>,
/// and a constructor taking the <see cref="HostKind"/>); without one, self-hosted.
/// Subclasses add settings (<see cref="ExtraSettings"/>) or replace services (<see cref="Configure"/>, self-hosted only:
/// a worker process does not share the test's services).
/// </summary>
public abstract class AppFixture<TStandIns>(HostKind host) where TStandIns : class, IStandIns<TStandIns>
{
    protected AppFixture() : this(HostKind.SelfHosted)
    {
    }

    /// <summary>The host this fixture runs the app under.</summary>
    protected HostKind Host => host;

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
        if (host == HostKind.Functions && ReplacesServices())
        {
            throw new InvalidOperationException($"{GetType().Name} replaces services (Configure): it can run self-hosted only");
        }

        App = await AppHost.StartAsync(host, StandIns.Settings([.. ExtraSettings]), Configure);
    }

    [SetUp]
    public void ResetStandIns() => StandIns.Reset();

    private bool ReplacesServices() =>
        GetType().GetMethod(nameof(Configure), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.DeclaringType
            != typeof(AppFixture<TStandIns>);

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
public abstract class AppFixture(HostKind host) : AppFixture<ElevenLabsStandIn>(host)
{
    protected AppFixture() : this(HostKind.SelfHosted)
    {
    }

    protected ElevenLabsStandIn ElevenLabsApi => StandIns;
}
