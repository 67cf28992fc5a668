using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Telemetry;

/// <summary>
/// Sends what the telemetry channel still holds when the app stops (the channel sends its buffer every 30 s): without
/// it, with Application Insights' logger in play, the items of the app's last seconds were lost at stop, under both
/// hosts (an instance scaled in, a worker restarted, a deployment). Waits at most as long as the host lets it stop.
/// </summary>
public sealed class TelemetryFlushOnStop(TelemetryClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the host's stop timeout: what is left is lost, as before
        }
    }
}
