using ElevenLabs.Functions.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Health;

/// <summary>
/// Runs every <see cref="IReadinessCheck"/> concurrently, each with its own time-out, and keeps the result for
/// <see cref="FreshFor"/> per instance: however often readiness is asked, each dependency is called at most once per
/// period. Concurrent callers share the run in flight; a caller that gives up does not cancel it.
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

    private async Task<ReadinessReport> RunAsync()
    {
        await Task.Yield(); // out of the caller's lock
        using var scope = scopes.CreateScope(); // the checks hold typed HttpClients: resolved per run, not kept
        var checks = scope.ServiceProvider.GetServices<IReadinessCheck>().ToList();
        var results = await Task.WhenAll(checks.Select(RunAsync));
        var ready = results.All(r => r.IsHealthy);
        var answer = new ReadinessResponse(ready, ready ? ReadinessResponse.Ready : ReadinessResponse.NotReady,
            checks.Zip(results).ToDictionary(p => p.First.Name, p => p.Second, StringComparer.Ordinal));
        return new ReadinessReport(answer, time.GetUtcNow() + FreshFor);
    }

    private async Task<ReadinessCheckResult> RunAsync(IReadinessCheck check)
    {
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(CheckTimeout, time);
        Exception failure;
        try
        {
            // WaitAsync too: a check that ignores its token still ends at the time-out.
            await check.CheckAsync(timeout.Token).WaitAsync(timeout.Token);
            return new ReadinessCheckResult(ReadinessCheckResult.Healthy, Elapsed(started));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            failure = check.TimedOut(CheckTimeout);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var code = CodeOf(failure);
        LogUnhealthy(logger, failure, check.Name, code);
        return new ReadinessCheckResult(ReadinessCheckResult.Unhealthy, Elapsed(started), code);
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>The code the error envelope gives the same failure (one mapping for both).</summary>
    private static string CodeOf(Exception failure) => ApiErrors.From(failure, action: null).Code;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} failed with {Code}")]
    private static partial void LogUnhealthy(ILogger logger, Exception exception, string check, string code);
}
