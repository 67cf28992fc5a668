using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Azurite and the ElevenLabs stand-in, shared by a fixture's apps: each app it starts has its recording store's
/// clients pointed at this Azurite. Disposing it stops every app it started (a test may have stopped one already),
/// then the stand-ins.
/// </summary>
public sealed class RecordingsRig : IAsyncDisposable
{
    private readonly List<AppHost> _apps = [];

    private RecordingsRig(Azurite azurite, ElevenLabsStandIn elevenLabs)
    {
        Azurite = azurite;
        ElevenLabs = elevenLabs;
    }

    public Azurite Azurite { get; }
    public ElevenLabsStandIn ElevenLabs { get; }

    public static async Task<RecordingsRig> StartAsync() => new(await Azurite.StartAsync(), new ElevenLabsStandIn());

    /// <summary>A self-hosted app with <paramref name="settings"/> on the ElevenLabs stand-in; <paramref name="time"/>, when given, is its clock.</summary>
    public async Task<AppHost> StartAppAsync(TimeProvider? time, Action<IServiceCollection>? services, params (string Key, string? Value)[] settings)
    {
        var app = await AppHost.StartAsync(ElevenLabs.Settings(settings), builder =>
        {
            Azurite.ConnectApp(builder.Services);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            services?.Invoke(builder.Services);
        });
        lock (_apps)
        {
            _apps.Add(app);
        }

        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        ElevenLabs.Dispose();
        await Azurite.DisposeAsync();
    }
}
