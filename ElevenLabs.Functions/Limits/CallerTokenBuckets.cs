using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ElevenLabs.Functions.Limits;

/// <summary>
/// A <see cref="PartitionedRateLimiter{TResource}"/> with one <see cref="TokenBucketRateLimiter"/> per caller, all sharing
/// one options object and replenished by one timer. It differs from <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/>
/// in one respect, memory: that one keeps a caller's bucket for 10 s after it has refilled (a fixed limit) at about
/// 400 bytes per caller, so a burst of new callers at the rate one instance can serve (~10,000 a second) holds ~100,000
/// buckets; this one drops a bucket once it has been full for <see cref="IdleLimit"/> (a full bucket is the same as no
/// bucket), at about 250 bytes, so memory follows the callers of the last second or two.
/// </summary>
public sealed class CallerTokenBuckets : PartitionedRateLimiter<string>
{
    /// <summary>How often buckets are replenished and idle ones dropped.</summary>
    public static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(100);

    /// <summary>A bucket full for this long is dropped.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new(StringComparer.Ordinal);
    private readonly TokenBucketRateLimiterOptions _options;
    private readonly ITimer _timer;
    private int _sweeping;
    private int _beating;

    public CallerTokenBuckets(TokenBucketRateLimiterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.AutoReplenishment
            ? throw new ArgumentException("The buckets are replenished by the limiter's own timer, not one timer each.", nameof(options))
            : options;
        // The buckets measure time with Stopwatch, so the beat that replenishes them runs on the system clock too. It
        // beats only while some caller has a bucket: an idle instance wakes for nothing.
        _timer = TimeProvider.System.CreateTimer(_ => Sweep(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True while the beat runs, that is while some caller has a bucket (for tests).</summary>
    internal bool IsBeating => Volatile.Read(ref _beating) == 1;

    /// <summary>Callers with a bucket now (for diagnostics and tests).</summary>
    public int Count => _buckets.Count;

    public override RateLimiterStatistics? GetStatistics(string resource) =>
        _buckets.TryGetValue(resource, out var bucket) ? bucket.GetStatistics() : null;

    protected override RateLimitLease AttemptAcquireCore(string resource, int permitCount) =>
        Bucket(resource).AttemptAcquire(permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(string resource, int permitCount, CancellationToken cancellationToken) =>
        Bucket(resource).AcquireAsync(permitCount, cancellationToken);

    private TokenBucketRateLimiter Bucket(string caller)
    {
        var bucket = _buckets.GetOrAdd(caller, static (_, options) => new TokenBucketRateLimiter(options), _options);
        StartBeating();
        return bucket;
    }

    private void StartBeating()
    {
        if (Volatile.Read(ref _beating) == 0 && Interlocked.CompareExchange(ref _beating, 1, 0) == 0)
        {
            _timer.Change(Beat, Beat);
        }
    }

    /// <summary>
    /// Replenishes every bucket and drops those full for <see cref="IdleLimit"/>. A request that took a bucket just as it
    /// was dropped spends a token of the dropped one; the caller's next request starts a full bucket, as it would have
    /// anyway a moment later. Dropped buckets need no disposing: they have no timer and, with no queue, no waiters.
    /// </summary>
    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return; // the previous beat is still at it
        }

        try
        {
            foreach (var entry in _buckets)
            {
                entry.Value.TryReplenish();
                if (entry.Value.IdleDuration > IdleLimit)
                {
                    _buckets.TryRemove(entry);
                }
            }

            if (_buckets.IsEmpty)
            {
                // Stop, then look again: a caller that arrived in between either saw the beat running (and finds it
                // restarted here) or starts it itself.
                Volatile.Write(ref _beating, 0);
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                if (!_buckets.IsEmpty)
                {
                    StartBeating();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
            _buckets.Clear();
        }

        base.Dispose(disposing);
    }
}
