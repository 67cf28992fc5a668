using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sweep;

/// <summary>
/// Self-hosted: the sweep every <c>Sessions:SweepInterval</c> on the app's <see cref="TimeProvider"/>, first one
/// interval after start; <c>00:00:00</c> turns it off. A run that fails is logged and the next one comes as usual.
/// </summary>
public sealed partial class SweepHostedService(
    IServiceScopeFactory scopes,
    IOptions<SessionsOptions> options,
    TimeProvider time,
    ILogger<SweepHostedService> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private PeriodicTimer? _timer;
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.SweepInterval;
        if (interval == TimeSpan.Zero)
        {
            LogOff(logger);
            return Task.CompletedTask;
        }

        // Made here, not in the loop, so the first interval counts from the start.
        _timer = new PeriodicTimer(interval, time);
        _loop = LoopAsync(_timer, _stopping.Token);
        LogOn(logger, interval);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _timer?.Dispose();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<SessionSweeper>().RunAsync(stopping);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogRunFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _timer?.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The sweep of idle sessions runs every {Interval} (Sessions:SweepInterval)")]
    private static partial void LogOn(ILogger logger, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "The sweep of idle sessions is off (Sessions:SweepInterval is 00:00:00)")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweep of idle sessions failed; the next run comes at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
