namespace ElevenLabs.Functions.Limits;

/// <summary>Per-caller daily counters, shared by every instance. Implementations: Firestore, in memory.</summary>
public interface IUsageCounter
{
    /// <summary>Adds <paramref name="delta"/> to the caller's count for <paramref name="day"/>, atomically.</summary>
    /// <returns>The count after the change.</returns>
    /// <exception cref="Sessions.SessionStoreException">The store failed.</exception>
    Task<long> AddAsync(string callerKey, DateOnly day, long delta, CancellationToken cancellationToken = default);
}
