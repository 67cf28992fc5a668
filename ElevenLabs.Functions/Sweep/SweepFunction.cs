using ElevenLabs.Functions.Sessions;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.Sweep;

/// <summary>
/// Under the Azure Functions host: the sweep on the NCRONTAB schedule of the app setting <c>Sessions__SweepSchedule</c>
/// (the host resolves <c>%Sessions:SweepSchedule%</c> from configuration; the timer runs on one instance at a time).
/// </summary>
public sealed class SweepFunction(SessionSweeper sweeper)
{
    public const string Name = "sweep-idle-sessions";

    [Function(Name)]
    public Task RunAsync(
        [TimerTrigger("%" + SessionsOptions.SweepScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        sweeper.RunAsync(cancellationToken);
}
