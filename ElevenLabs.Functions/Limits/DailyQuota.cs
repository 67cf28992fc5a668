using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>
/// <c>Quota:SessionsPerDay</c> per caller and UTC day, across instances. The count itself is kept by the session store,
/// in the same atomic write that stores a session (<see cref="Sessions.ISessionStore.CreateAsync"/>); this decides what is
/// counted and what is over. A count reaches the limit only by sessions that exist, so a caller who has reached it stays
/// there until 00:00 UTC: this instance remembers such callers for the day and refuses their next creates at once, with
/// no call to ElevenLabs or the store. The memory holds today's callers only, at most <see cref="MaxRemembered"/>; when
/// it is full, further callers are refused by the store's count as before.
/// </summary>
public sealed class DailyQuota(IOptions<QuotaOptions> options, TimeProvider time)
{
    /// <summary>The most callers remembered per instance (about a megabyte at most).</summary>
    public const int MaxRemembered = 10_000;

    private UsedUp _usedUp = new(default);

    /// <summary>The count a new session of this caller goes into today, or null when nothing is counted (no quota, or no caller).</summary>
    /// <exception cref="QuotaExceededException">This instance has seen the caller reach today's quota.</exception>
    public DailyCount? CountFor(string? callerKey)
    {
        if (options.Value.SessionsPerDay == 0 || callerKey is null)
        {
            return null;
        }

        var day = Today();
        var usedUp = Volatile.Read(ref _usedUp);
        return usedUp.Day == day && usedUp.Callers.ContainsKey(callerKey)
            ? throw Exceeded(day)
            : new DailyCount(callerKey, day);
    }

    /// <summary>
    /// Whether the caller's count after a create (<paramref name="countAfter"/>) is over the quota; a caller who has
    /// reached it is remembered for the day.
    /// </summary>
    public bool IsOver(DailyCount count, long countAfter)
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
    public QuotaExceededException Exceeded(DateOnly day)
    {
        var midnight = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var wait = midnight - time.GetUtcNow();
        return new QuotaExceededException(options.Value.SessionsPerDay, wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
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
}
