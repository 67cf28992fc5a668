namespace ElevenLabs.Functions.Limits;

/// <summary>Daily counters in this process (the in-memory mode): today's only, earlier days are dropped.</summary>
public sealed class InMemoryUsageCounter : IUsageCounter
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateOnly _day;

    public Task<long> AddAsync(string callerKey, DateOnly day, long delta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callerKey);
        lock (_gate)
        {
            if (day > _day)
            {
                _counts.Clear();
                _day = day;
            }
            else if (day < _day)
            {
                return Task.FromResult(0L); // a day that is over: nothing to count against
            }

            _counts.TryGetValue(callerKey, out var count);
            count += delta;
            _counts[callerKey] = count;
            return Task.FromResult(count);
        }
    }
}
