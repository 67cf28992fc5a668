using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sessions;

public static class SessionsServiceCollectionExtensions
{
    /// <summary>The use cases. The store is chosen by the host (see Program.cs).</summary>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionsOptions>()
            .BindConfiguration(SessionsOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SessionsOptions>, SessionsOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddTransient<SessionService>(); // holds typed HttpClients: not a singleton
        return builder;
    }

    /// <summary>The non-durable store, with a start-up warning that says so.</summary>
    public static IHostApplicationBuilder AddInMemorySessionStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISessionStore, InMemorySessionStore>();
        return builder;
    }
}
