using ElevenLabs.Functions.Calls;
using ElevenLabs.Functions.Hosting;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Sweep;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Sessions;

public static class SessionsServiceCollectionExtensions
{
    /// <summary>The use cases. The store is chosen by the host (see Program.cs).</summary>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SessionsOptions, SessionsOptionsValidator>(SessionsOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionRetention>();
        builder.Services.AddTransient<SessionService>(); // holds typed HttpClients: not a singleton
        builder.Services.AddTransient<SessionSweeper>();
        builder.Services.TryAddTransient<CallRecorder>();
        builder.Services.AddTransient<CallReconciler>();
        builder.Services.AddTransient<CallResults>();
        builder.Services.AddTransient<CallRecordings>();
        builder.Services.AddTransient<SessionEraser>();
        return builder;
    }

    /// <summary>The non-durable store, with a start-up warning that says so.</summary>
    public static IHostApplicationBuilder AddInMemorySessionStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISessionStore, InMemorySessionStore>();
        return builder;
    }
}
