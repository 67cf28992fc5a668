using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sweep;

/// <summary>
/// Self-hosted: the sweep every <c>Sessions:SweepInterval</c> on a <see cref="PeriodicTimer"/> of the app's
/// <see cref="TimeProvider"/>, first one interval after start; <c>00:00:00</c> turns it off. A run that fails is logged
/// and the next one comes as usual.
/// </summary>
public sealed partial class SweepHostedService(
    IServiceScopeFactory scopes,
    IOptions<SessionsOptions> options,
    TimeProvider time,
    ILogger<SweepHostedService> logger) : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.SweepInterval;
        if (interval == TimeSpan.Zero)
        {
            LogOff(logger);
            return Task.CompletedTask;
        }

        // Made here, not in ExecuteAsync (which runs in the background), so the first interval counts from the start.
        _timer = new PeriodicTimer(interval, time);
        LogOn(logger, interval);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<SessionSweeper>().RunAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRunFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The sweep of idle sessions runs every {Interval} (Sessions:SweepInterval)")]
    private static partial void LogOn(ILogger logger, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "The sweep of idle sessions is off (Sessions:SweepInterval is 00:00:00)")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweep of idle sessions failed; the next run comes at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
