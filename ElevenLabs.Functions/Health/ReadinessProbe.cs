using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Health;

/// <summary>
/// Runs every <see cref="IReadinessCheck"/> concurrently, each with its own time-out, and keeps the result for
/// <see cref="FreshFor"/> per instance: however often readiness is asked, each dependency is called at most once per
/// period. Concurrent callers share the run in flight; a caller that gives up does not cancel it. The start-up run
/// (<see cref="WarmUpAsync"/>) is not kept when a check in it timed out: a cold start's first calls (JIT, the first
/// TLS handshakes, the first Google token) can outlast the time-out where later ones do not, and the instance would
/// otherwise answer "not ready" for 15 s after every cold start; the next caller runs the checks again.
/// </summary>
public sealed partial class ReadinessProbe(IServiceScopeFactory scopes, TimeProvider time, ILogger<ReadinessProbe> logger)
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private Task<ReadinessReport>? _current;

    public Task<ReadinessReport> GetAsync(CancellationToken cancellationToken)
    {
        Task<ReadinessReport> run;
        lock (_gate)
        {
            if (_current is null || (_current.IsCompletedSuccessfully && time.GetUtcNow() >= _current.Result.FreshUntil) || _current.IsFaulted)
            {
                _current = RunAsync();
            }

            run = _current;
        }

        return run.WaitAsync(cancellationToken);
    }

    /// <summary>The start-up run (first-time work done before the first request): as <see cref="GetAsync"/>, but not kept if a check timed out.</summary>
    public Task<ReadinessReport> WarmUpAsync(CancellationToken cancellationToken)
    {
        Task<ReadinessReport> run;
        lock (_gate)
        {
            _current ??= RunAsync(keepTimeouts: false);
            run = _current;
        }

        return run.WaitAsync(cancellationToken);
    }

    private async Task<ReadinessReport> RunAsync(bool keepTimeouts = true)
    {
        await Task.Yield(); // out of the caller's lock
        using var scope = scopes.CreateScope(); // the checks hold typed HttpClients: resolved per run, not kept
        var checks = scope.ServiceProvider.GetServices<IReadinessCheck>().ToList();
        var runs = await Task.WhenAll(checks.Select(RunAsync));
        Log(checks, runs);
        var results = runs.Select(r => r.Result).ToList();
        var ready = results.All(r => r.IsHealthy);
        var answer = new ReadinessResponse(ready, ready ? ReadinessResponse.Ready : ReadinessResponse.NotReady,
            checks.Zip(results).ToDictionary(p => p.First.Name, p => p.Second, StringComparer.Ordinal));
        var timedOut = runs.Any(r => r.TimedOut);
        return new ReadinessReport(answer, time.GetUtcNow() + (timedOut && !keepTimeouts ? TimeSpan.Zero : FreshFor));
    }

    private async Task<(ReadinessCheckResult Result, Exception? Failure, bool TimedOut)> RunAsync(IReadinessCheck check)
    {
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(CheckTimeout, time);
        Exception failure;
        try
        {
            // WaitAsync too: a check that ignores its token still ends at the time-out.
            await check.CheckAsync(timeout.Token).WaitAsync(timeout.Token);
            return (new ReadinessCheckResult(ReadinessCheckResult.Healthy, Elapsed(started)), null, false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var timedOut = check.TimedOut(CheckTimeout);
            return (new ReadinessCheckResult(ReadinessCheckResult.Unhealthy, Elapsed(started), CodeOf(timedOut)), timedOut, true);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        return (new ReadinessCheckResult(ReadinessCheckResult.Unhealthy, Elapsed(started), CodeOf(failure)), failure, false);
    }

    /// <summary>
    /// A secret nobody configured is an expected state, not a fault: one line per missing secret, saying what to set,
    /// however many checks need it. A dependency set up unsafely is one line saying what to change. Any other failure is
    /// logged with its exception.
    /// </summary>
    private void Log(List<IReadinessCheck> checks, (ReadinessCheckResult Result, Exception? Failure, bool TimedOut)[] runs)
    {
        var failed = checks.Zip(runs).Where(p => p.Second.Failure is not null).ToList();
        foreach (var missing in failed.Where(p => p.Second.Failure is SecretNotConfiguredException)
            .GroupBy(p => ((SecretNotConfiguredException)p.Second.Failure!).Kind))
        {
            LogNotConfigured(logger, missing.First().Second.Failure!.Message, string.Join(", ", missing.Select(p => p.First.Name)));
        }

        foreach (var (check, run) in failed.Where(p => p.Second.Failure is ReadinessProblemException))
        {
            LogProblem(logger, check.Name, run.Result.Code ?? "", run.Failure!.Message);
        }

        foreach (var (check, run) in failed.Where(p => p.Second.Failure is not (SecretNotConfiguredException or ReadinessProblemException)))
        {
            LogUnhealthy(logger, run.Failure!, check.Name, run.Result.Code ?? "");
        }
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>The code the error envelope gives the same failure (one mapping for both).</summary>
    private static string CodeOf(Exception failure) =>
        failure is ReadinessProblemException problem ? problem.Code : ApiErrors.From(failure, action: null).Code;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message} (readiness checks not ready: {Checks})")]
    private static partial void LogNotConfigured(ILogger logger, string message, string checks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} failed with {Code}: {Message}")]
    private static partial void LogProblem(ILogger logger, string check, string code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} failed with {Code}")]
    private static partial void LogUnhealthy(ILogger logger, Exception exception, string check, string code);
}
