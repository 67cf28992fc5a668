namespace ElevenLabs.Functions.Sessions;

/// <summary>Times as sessions store them.</summary>
public static class StoredClock
{
    /// <summary>The clock, to the microsecond: what Firestore keeps, so a re-read equals what was written.</summary>
    public static DateTimeOffset GetUtcNowToMicrosecond(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
