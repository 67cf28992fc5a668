using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sweep;

/// <summary>
/// Closes abandoned sessions. Takes the <c>active</c> sessions not updated for <c>Sessions:MaxIdle</c>, oldest first,
/// at most <see cref="MaxPerRun"/>, and asks ElevenLabs about each one's latest call: <c>done</c>/<c>failed</c> ends
/// the session (<c>endedBy: "sweeper"</c>, <c>lastCall</c> from the answer); a call still running and younger than
/// <see cref="MaxCallAge"/> is left alone; anything else, or no call at all, expires it. Every write is conditional
/// on the version the query read, so a client or the webhook writing meanwhile wins. Then the reconcile pass
/// (<see cref="CallReconciler"/>) stores the finished calls whose webhook never came, the erasures that stopped
/// midway are finished (<see cref="SessionEraser.FinishPendingAsync"/>), and, with <c>Sessions:RetentionDays</c>, the
/// sessions past retention are erased everywhere (<see cref="SessionEraser.EraseExpiredAsync"/>), on the same timer.
/// </summary>
public sealed partial class SessionSweeper(
    ISessionStore store,
    ElevenLabsClient elevenLabs,
    IOptionsMonitor<SessionsOptions> options,
    ConversationTelemetry telemetry,
    CallReconciler reconciler,
    SessionEraser eraser,
    TimeProvider time,
    ILogger<SessionSweeper> logger)
{
    /// <summary>The most sessions one run takes; the rest wait for the next run.</summary>
    public const int MaxPerRun = 200;

    /// <summary>A call ElevenLabs still reports running after this long is taken for abandoned.</summary>
    public static readonly TimeSpan MaxCallAge = TimeSpan.FromHours(24);

    /// <summary>ElevenLabs calls in flight at once: enough to finish 200 sessions well inside a function's time-out.</summary>
    private const int Parallelism = 4;

    /// <summary>What <c>Action</c> the sweep's telemetry events carry.</summary>
    public const string Action = "sweep";

    /// <exception cref="SessionStoreException">The idle sessions could not be queried (nothing was written).</exception>
    public async Task<SweepResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNowToMicrosecond();
        var idle = await store.FindIdleAsync(now - options.CurrentValue.MaxIdle, MaxPerRun, cancellationToken);
        var outcomes = await EachAsync(idle, (stored, token) => SweepAsync(stored, now, token), cancellationToken);
        var result = new SweepResult([.. idle.Select((s, i) => (s.Session.ConversationId, outcomes[i]))]);
        LogRun(logger, idle.Count, result.Count(SweepOutcome.Ended), result.Count(SweepOutcome.Expired),
            result.Count(SweepOutcome.LeftAlone), result.Count(SweepOutcome.ChangedMeanwhile), result.Count(SweepOutcome.Failed));
        var calls = await reconciler.RunAsync(cancellationToken);
        var erasures = await FinishErasuresAsync(cancellationToken);
        return result with { Calls = calls, Erasures = erasures, Expirations = await EraseExpiredAsync(cancellationToken) };
    }

    /// <summary>The sessions past retention, erased; a store that cannot list them is logged, and the next run tries again.</summary>
    private async Task<IReadOnlyList<(string ConversationId, SessionErasure? Erasure)>> EraseExpiredAsync(CancellationToken cancellationToken)
    {
        try
        {
            var erasures = await eraser.EraseExpiredAsync(cancellationToken);
            if (erasures.Count > 0)
            {
                LogExpirations(logger, erasures.Count, erasures.Count(e => e.Erasure is not null));
            }

            return erasures;
        }
        catch (SessionStoreException ex)
        {
            LogExpirationsFailed(logger, ex);
            return [];
        }
    }

    /// <summary><paramref name="run"/> for each of <paramref name="items"/>, <see cref="Parallelism"/> at a time; the results in their order.</summary>
    internal static async Task<TResult[]> EachAsync<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, CancellationToken, Task<TResult>> run,
        CancellationToken cancellationToken)
    {
        var results = new TResult[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await run(items[i], token));
        return results;
    }

    /// <summary>The erasures that stopped midway, finished; a store that cannot list them is logged, and the next run tries again.</summary>
    private async Task<IReadOnlyList<(string ConversationId, SessionErasure? Erasure)>> FinishErasuresAsync(CancellationToken cancellationToken)
    {
        try
        {
            var erasures = await eraser.FinishPendingAsync(cancellationToken);
            if (erasures.Count > 0)
            {
                LogErasures(logger, erasures.Count, erasures.Count(e => e.Erasure is not null));
            }

            return erasures;
        }
        catch (SessionStoreException ex)
        {
            LogErasuresFailed(logger, ex);
            return [];
        }
    }

    private async Task<SweepOutcome> SweepAsync(StoredSession stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = stored.Session;
        var latest = session.ElevenLabsConversationIds.Count > 0 ? session.ElevenLabsConversationIds[^1] : session.ElevenLabsConversationId;
        ElevenLabsConversation? call = null;
        if (!string.IsNullOrEmpty(latest))
        {
            try
            {
                call = await elevenLabs.GetConversationAsync(latest, cancellationToken);
            }
            catch (ElevenLabsException ex)
            {
                LogElevenLabsFailed(logger, ex, session.ConversationId, latest);
                return SweepOutcome.LeftAlone;
            }
            catch (ArgumentException)
            {
                // An id ElevenLabs would not have made: there is no call to ask about.
            }
        }

        if (call is { IsRunning: true } && now - (call.Summary.StartedAt ?? session.UpdatedAt) < MaxCallAge)
        {
            LogLeftAlone(logger, session.ConversationId, call.ConversationId, call.Status);
            return SweepOutcome.LeftAlone;
        }

        var summary = call?.Summary;
        var ends = call is { IsFinished: true };
        var changes = ends
            ? new SessionChanges
            {
                UpdatedAt = now,
                Status = SessionStatus.Ended,
                EndedAt = session.EndedAt ?? now,
                EndedBy = SessionEndedBy.Sweeper,
                LastCall = summary,
            }
            : new SessionChanges { UpdatedAt = now, Status = SessionStatus.Expired, LastCall = summary };
        try
        {
            await store.UpdateAsync(session.ConversationId, changes, stored.Version, cancellationToken);
        }
        catch (Exception ex) when (ex is SessionConflictException or SessionNotFoundException)
        {
            LogChangedMeanwhile(logger, session.ConversationId);
            return SweepOutcome.ChangedMeanwhile;
        }
        catch (SessionStoreException ex)
        {
            LogWriteFailed(logger, ex, session.ConversationId);
            return SweepOutcome.Failed;
        }

        if (ends)
        {
            telemetry.Succeeded(TelemetryNames.Events.SessionEnded, Action, session.ConversationId, session.AgentId);
            LogEnded(logger, session.ConversationId, call!.ConversationId, call.Status);
            return SweepOutcome.Ended;
        }

        var reason = call switch
        {
            null when string.IsNullOrEmpty(latest) => "no_call",
            null => "call_not_found",
            { IsRunning: true } => "call_running_too_long",
            _ => "call_status_" + call.Status,
        };
        telemetry.Expired(Action, session.ConversationId, session.AgentId, reason);
        LogExpired(logger, session.ConversationId, reason);
        return SweepOutcome.Expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep of idle sessions: {Found} found, {Ended} ended, {Expired} expired, {LeftAlone} left alone, {ChangedMeanwhile} changed meanwhile, {Failed} failed")]
    private static partial void LogRun(ILogger logger, int found, int ended, int expired, int leftAlone, int changedMeanwhile, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep: {Found} erasures left unfinished were taken, {Finished} finished")]
    private static partial void LogErasures(ILogger logger, int found, int finished);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep: the sessions being deleted could not be listed; the next run tries again")]
    private static partial void LogErasuresFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep: {Found} sessions past retention were taken, {Erased} erased; the rest are tried again next run")]
    private static partial void LogExpirations(ILogger logger, int found, int erased);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep: the sessions past retention could not be listed; the next run tries again")]
    private static partial void LogExpirationsFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId} ended by the sweep: ElevenLabs call {ElevenLabsConversationId} is {CallStatus}")]
    private static partial void LogEnded(ILogger logger, string conversationId, string elevenLabsConversationId, string callStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId} expired ({Reason})")]
    private static partial void LogExpired(ILogger logger, string conversationId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {ConversationId} left alone: ElevenLabs call {ElevenLabsConversationId} is {CallStatus}")]
    private static partial void LogLeftAlone(ILogger logger, string conversationId, string elevenLabsConversationId, string callStatus);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {ConversationId} changed while the sweep looked at it: the other write stands")]
    private static partial void LogChangedMeanwhile(ILogger logger, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId} left for the next sweep: ElevenLabs could not tell the state of call {ElevenLabsConversationId}")]
    private static partial void LogElevenLabsFailed(ILogger logger, Exception exception, string conversationId, string elevenLabsConversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: the sweep could not write it")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string conversationId);
}
