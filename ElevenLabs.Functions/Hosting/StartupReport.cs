using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Hosting;

/// <summary>Says at start where sessions and secrets come from, and warns when sessions are not durable.</summary>
public sealed partial class StartupReport(IServiceProvider services, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not in the constructor, so that options validation reports every wrong setting first.
        var store = services.GetRequiredService<ISessionStore>();
        var secrets = services.GetRequiredService<ISecretSource>();
        if (store is InMemorySessionStore memory)
        {
            LogNotDurable(logger, memory.Capacity);
        }
        else
        {
            LogStore(logger, store.Name);
        }

        LogSecrets(logger, secrets.Description);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sessions are kept in memory and are lost on restart: set Firestore:ProjectId (or Sessions:Store=Firestore) to persist them. At most {Capacity} are kept (Sessions:InMemoryCapacity): beyond that, ended sessions are dropped first, then the oldest")]
    private static partial void LogNotDurable(ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sessions are stored in {Store}")]
    private static partial void LogStore(ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Secrets come from {SecretSource}")]
    private static partial void LogSecrets(ILogger logger, string secretSource);
}
