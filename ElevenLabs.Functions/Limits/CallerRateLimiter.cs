using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>
/// Per-caller token buckets on this instance (<c>RateLimit:*PerMinute</c>): one for creating sessions and issuing signed
/// URLs or tokens, one for everything else. A bucket holds a minute's worth and refills evenly (10 a minute: one every
/// 6 s; 120 a minute: one every 0.5 s), so a caller may burst up to the limit and then continues at the rate.
/// </summary>
public sealed class CallerRateLimiter : IDisposable
{
    private readonly CallerTokenBuckets? _issues;
    private readonly CallerTokenBuckets? _requests;

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _issues = Buckets(options.Value.CreatePerMinute);
        _requests = Buckets(options.Value.RequestsPerMinute);
    }

    /// <summary>Takes one token from the caller's bucket.</summary>
    /// <param name="issuesCredential">Creating a session or issuing a signed URL or token (the stricter bucket).</param>
    /// <exception cref="RateLimitedException">The bucket is empty.</exception>
    public void Acquire(string callerKey, bool issuesCredential)
    {
        ArgumentNullException.ThrowIfNull(callerKey);
        var buckets = issuesCredential ? _issues : _requests;
        if (buckets is null)
        {
            return; // that limit is off
        }

        using var lease = buckets.AttemptAcquire(callerKey);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
            throw new RateLimitedException(
                issuesCredential ? "Too many sessions or signed URLs requested in a minute." : "Too many requests in a minute.", retryAfter);
        }
    }

    public void Dispose()
    {
        _issues?.Dispose();
        _requests?.Dispose();
    }

    /// <summary>A minute's worth of tokens, refilled evenly: one per 1/n minute, or several per beat for large n; none when 0.</summary>
    private static CallerTokenBuckets? Buckets(int perMinute)
    {
        if (perMinute <= 0)
        {
            return null;
        }

        var period = TimeSpan.FromMinutes(1) / perMinute;
        var tokensPerPeriod = 1;
        if (period < CallerTokenBuckets.Beat)
        {
            tokensPerPeriod = (int)Math.Ceiling(perMinute * CallerTokenBuckets.Beat.TotalMinutes);
            period = CallerTokenBuckets.Beat;
        }

        return new CallerTokenBuckets(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false,
        });
    }
}
