using System.Text.Json;
using ElevenLabs.Functions.Tests.Support.FunctionsRpc;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The stand-in host's timers: each timer function fired on its resolved schedule, with the host's TimerInfo.</summary>
public sealed partial class FunctionsHostStandIn
{
    private Task RunTimersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_functions.Where(f => f.IsTimer).Select(f => Task.Run(() => RunTimerAsync(f, cancellationToken), CancellationToken.None)));

    private async Task RunTimerAsync(HostedFunction function, CancellationToken cancellationToken)
    {
        var last = DateTime.UtcNow;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var next = HostedFunction.NextOccurrence(function.Schedule!, DateTime.UtcNow);
                var wait = next - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                var following = HostedFunction.NextOccurrence(function.Schedule!, next);
                await InvokeTimerAsync(function, new ScheduleStatus(last, following, DateTime.UtcNow), isPastDue: false, cancellationToken);
                last = next;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
        catch (InvalidOperationException)
        {
            // the worker went away
        }
    }

    /// <summary>Sends the timer's InvocationRequest: input the host's TimerInfo JSON, trigger metadata <c>TimerTrigger</c>.</summary>
    private Task<InvocationResult> InvokeTimerAsync(HostedFunction function, ScheduleStatus? scheduleStatus, bool isPastDue, CancellationToken cancellationToken)
    {
        var timerInfo = JsonSerializer.Serialize(new TimerInfo(new TimerSchedule(AdjustForDST: true), scheduleStatus, isPastDue));
        var invocation = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            TraceContext = new RpcTraceContext { TraceParent = $"00-{System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString()}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01" },
        };
        invocation.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Json = timerInfo } });
        invocation.TriggerMetadata["TimerTrigger"] = new TypedData { String = DateTime.Now.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return InvokeAsync(function, invocation, cancellationToken);
    }

    /// <summary>The host's TimerInfo as it serializes it for an out-of-process worker.</summary>
    private sealed record TimerInfo(TimerSchedule Schedule, ScheduleStatus? ScheduleStatus, bool IsPastDue);

    private sealed record TimerSchedule(bool AdjustForDST);

    /// <summary>The last and next occurrences the host recorded (null when run by hand through the admin API).</summary>
    private sealed record ScheduleStatus(DateTime Last, DateTime Next, DateTime LastUpdated);
}
