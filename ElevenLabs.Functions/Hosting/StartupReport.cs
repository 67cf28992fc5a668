using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.Health;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Hosting;

/// <summary>
/// Once the app answers: says where sessions and secrets come from and who may call (warns when sessions are not
/// durable and when anyone may call outside Development), then runs the readiness checks once
/// (<c>Readiness:CheckAtStart</c>, default true). Both run in the
/// background, so the first answer does not wait for them, and the first <c>create_session</c> finds the clients
/// built, the ElevenLabs key read (from Key Vault), the Google token fetched and connections to ElevenLabs and
/// Firestore open. A dependency that is not ready is logged as a warning here, at start.
/// </summary>
public sealed partial class StartupReport(
    IServiceProvider services, IHostApplicationLifetime lifetime, IHostEnvironment environment, ILogger<StartupReport> logger) : IHostedLifecycleService
{
    private Task _telemetry = Task.CompletedTask;
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the report is written and the warm-up ended (ready or not).</summary>
    public Task WarmedUp => _warmedUp.Task;

    /// <summary>
    /// Before the host starts anything: Application Insights' configuration (channel, modules, processors) is built in
    /// the background, while the host validates settings and Kestrel starts, instead of before the first answer.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _telemetry = Task.Run(() => services.GetService<ConversationTelemetry>(), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(ReportAndWarmUpAsync, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        lifetime.ApplicationStarted.IsCancellationRequested ? WarmedUp.WaitAsync(cancellationToken) : Task.CompletedTask;

    private async Task ReportAndWarmUpAsync()
    {
        try
        {
            await _telemetry; // its dependency tracking sees the checks' calls
            Report();
            if (services.GetRequiredService<IOptions<ReadinessOptions>>().Value.CheckAtStart)
            {
                await services.GetRequiredService<ReadinessProbe>().WarmUpAsync(lifetime.ApplicationStopping);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopping before the checks ended: nothing to say.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The requests that need what failed here report it themselves; this says it once, at start.
            LogWarmUpFailed(logger, ex);
        }
        finally
        {
            _warmedUp.SetResult();
        }
    }

    private void Report()
    {
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
        var auth = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (auth.Enabled)
        {
            LogAuth(logger, auth.Mode.ToString(), auth.DiscoveryDocument.ToString());
        }
        else if (!environment.IsDevelopment())
        {
            LogOpen(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The start-up report and readiness run stopped early")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sessions are kept in memory and are lost on restart: set Firestore:ProjectId (or Sessions:Store=Firestore) to persist them. At most {Capacity} are kept (Sessions:InMemoryCapacity): beyond that, ended sessions are dropped first, then the oldest")]
    private static partial void LogNotDurable(ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sessions are stored in {Store}")]
    private static partial void LogStore(ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:Mode is None: anyone who finds the URL can create sessions on the ElevenLabs account, limited only per client address. Set Auth:Mode=Firebase (or Oidc) to admit only signed-in users")]
    private static partial void LogOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Callers must send a {Mode} bearer token; keys from {DiscoveryDocument}")]
    private static partial void LogAuth(ILogger logger, string mode, string discoveryDocument);

    [LoggerMessage(Level = LogLevel.Information, Message = "Secrets come from {SecretSource}")]
    private static partial void LogSecrets(ILogger logger, string secretSource);
}
