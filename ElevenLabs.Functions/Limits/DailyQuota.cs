using System.Collections.Concurrent;
using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>
/// <c>Quota:SessionsPerDay</c> per caller and UTC day, across instances, and the one place a session is created under it
/// (<see cref="CreateAsync"/>). The count itself is kept by the session store, in the same atomic write that stores a
/// session (<see cref="ISessionStore.CreateAsync"/>); this decides what is counted, what is over, and what is undone. A
/// count reaches the limit only by sessions that exist, so a caller who has reached it stays there until 00:00 UTC: this
/// instance remembers such callers for the day and refuses their next creates at once, with no call to ElevenLabs or the
/// store. The memory holds today's callers only, at most <see cref="MaxRemembered"/>; when it is full, further callers
/// are refused by the store's count as before.
/// </summary>
public sealed partial class DailyQuota(IOptions<QuotaOptions> options, SessionRetention retention, TimeProvider time, ILogger<DailyQuota> logger)
{
    /// <summary>The most callers remembered per instance (about a megabyte at most).</summary>
    public const int MaxRemembered = 10_000;

    private UsedUp _usedUp = new(default);

    /// <summary>
    /// Creates a new session for <paramref name="caller"/> under the daily quota: <paramref name="issue"/> asks for its
    /// credential and makes the session (not called for a caller this instance has seen reach the quota today), then the
    /// store writes it and counts it in one atomic write. Two creates are undone, the session deleted with its count, as
    /// if never made (its id was never handed out, and the credential is dropped): one over the quota
    /// (<see cref="QuotaExceededException"/>), and one whose outcome stayed unknown after the store's retries (its
    /// <see cref="SessionStoreException"/>, 503, is rethrown). An undo that cannot reach the store either leaves an
    /// active session nobody knows, which the sweep expires once idle (<c>Sessions:IdleTimeout</c>); the caller stays
    /// counted one too many today.
    /// </summary>
    /// <exception cref="QuotaExceededException">The caller is over today's quota.</exception>
    /// <exception cref="SessionStoreException">The store failed; nothing stays stored or counted, as far as the store can be reached.</exception>
    public async Task<(Session Session, TIssued Issued)> CreateAsync<TIssued>(
        ISessionStore store,
        Caller caller,
        Func<CancellationToken, Task<(Session Session, TIssued Issued)>> issue,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(issue);
        var count = CountFor(caller.Key);
        var (session, issued) = await issue(cancellationToken);
        CreatedSession created;
        try
        {
            created = await store.CreateAsync(session, count, cancellationToken);
        }
        catch (SessionStoreException ex) when (ex.OutcomeUnknown)
        {
            await UndoUnknownAsync(store, session, count);
            throw;
        }

        if (count is not null && created.Count is { } after && IsOver(count, after))
        {
            await UndoAsync(store, session.ConversationId, created.Version, count);
            throw Exceeded(count.Day);
        }

        return (session, issued);
    }

    /// <summary>The count a new session of this caller goes into today, or null when nothing is counted (no quota, or no caller).</summary>
    /// <exception cref="QuotaExceededException">This instance has seen the caller reach today's quota.</exception>
    internal DailyCount? CountFor(string? callerKey)
    {
        if (options.Value.SessionsPerDay == 0 || callerKey is null)
        {
            return null;
        }

        var day = Today();
        var usedUp = Volatile.Read(ref _usedUp);
        return usedUp.Day == day && usedUp.Callers.ContainsKey(callerKey)
            ? throw Exceeded(day)
            : new DailyCount(callerKey, day, retention.ExpireAt(day));
    }

    /// <summary>
    /// Whether the caller's count after a create (<paramref name="countAfter"/>) is over the quota; a caller who has
    /// reached it is remembered for the day.
    /// </summary>
    internal bool IsOver(DailyCount count, long countAfter)
    {
        ArgumentNullException.ThrowIfNull(count);
        var limit = options.Value.SessionsPerDay;
        if (countAfter >= limit)
        {
            Remember(count);
        }

        return countAfter > limit;
    }

    /// <summary>The refusal for a caller over the quota of <paramref name="day"/>: retry at the next UTC midnight.</summary>
    private QuotaExceededException Exceeded(DateOnly day)
    {
        var midnight = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var wait = midnight - time.GetUtcNow();
        return new QuotaExceededException(options.Value.SessionsPerDay, wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
    }

    /// <summary>Deletes a session just created, with its count, while it is still as created.</summary>
    private async Task UndoAsync(ISessionStore store, string conversationId, string version, DailyCount? count)
    {
        try
        {
            await store.DeleteCreatedAsync(conversationId, version, count, CancellationToken.None);
            LogUndone(logger, conversationId);
        }
        catch (Exception ex) when (ex is SessionStoreException or SessionConflictException)
        {
            LogUndoFailed(logger, ex, conversationId);
        }
    }

    /// <summary>
    /// Undoes a create whose outcome is unknown: reads the id back, and deletes what is there only if it is the session
    /// this create wrote (<see cref="Session.IsCreatedFrom"/>); nothing there means the create did not land and counted
    /// nothing.
    /// </summary>
    private async Task UndoUnknownAsync(ISessionStore store, Session written, DailyCount? count)
    {
        StoredSession? stored;
        try
        {
            stored = await store.GetAsync(written.ConversationId, CancellationToken.None);
        }
        catch (SessionStoreException ex)
        {
            LogUndoFailed(logger, ex, written.ConversationId);
            return;
        }

        if (stored is not null && stored.Session.IsCreatedFrom(written))
        {
            await UndoAsync(store, written.ConversationId, stored.Version, count);
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private void Remember(DailyCount count)
    {
        if (count.Day != Today())
        {
            return; // a day that is over: nothing to refuse any more
        }

        var usedUp = Volatile.Read(ref _usedUp);
        if (usedUp.Day != count.Day)
        {
            // A new day: start an empty memory (once; whoever loses the race uses the winner's).
            var fresh = new UsedUp(count.Day);
            usedUp = Interlocked.CompareExchange(ref _usedUp, fresh, usedUp) == usedUp ? fresh : Volatile.Read(ref _usedUp);
            if (usedUp.Day != count.Day)
            {
                return;
            }
        }

        if (usedUp.Callers.Count < MaxRemembered)
        {
            usedUp.Callers.TryAdd(count.CallerKey, 0);
        }
    }

    /// <summary>The callers who reached the quota on one day.</summary>
    private sealed record UsedUp(DateOnly Day)
    {
        public ConcurrentDictionary<string, byte> Callers { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId} was deleted again with its count: over the caller's daily quota, or its create's outcome was unknown")]
    private static partial void LogUndone(ILogger logger, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId} (over the caller's daily quota, or its create's outcome unknown) could not be deleted again: the sweep expires it once idle, and the caller may stay counted one too many today")]
    private static partial void LogUndoFailed(ILogger logger, Exception exception, string conversationId);
}

/// <summary>
/// The caller's count of sessions for one UTC day, which a new session is added to in the same atomic write that stores
/// it (<see cref="Store.ISessionStore.CreateAsync"/>). <c>ExpireAt</c>: when the count's document expires
/// (<see cref="Sessions.SessionRetention"/>; null: kept).
/// </summary>
public sealed record DailyCount(string CallerKey, DateOnly Day, DateTimeOffset? ExpireAt = null);
