using System.Threading.RateLimiting;
using ElevenLabs.Functions.Limits;

namespace ElevenLabs.Functions.Tests.Limits;

/// <summary>The per-caller buckets without a server: the library's token bucket per caller, and callers dropped once idle.</summary>
[TestFixture]
public sealed class CallerTokenBucketsTests
{
    private static TokenBucketRateLimiterOptions Options(int limit, TimeSpan period) => new()
    {
        TokenLimit = limit,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    [Test]
    public void ACallerGetsTheLimitThenARefusalWithRetryAfterWhileOthersAreUntouched()
    {
        using var buckets = new CallerTokenBuckets(Options(3, TimeSpan.FromMinutes(1)));

        var granted = Enumerable.Range(0, 3).Select(_ => buckets.AttemptAcquire("alice").IsAcquired).ToList();
        using var refused = buckets.AttemptAcquire("alice");
        using var other = buckets.AttemptAcquire("bob");

        Assert.That(granted, Has.All.True);
        Assert.That(refused.IsAcquired, Is.False);
        Assert.That(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(other.IsAcquired, Is.True);
    }

    [Test]
    public void CallersWhoseBucketsRefilledAreDropped()
    {
        using var buckets = new CallerTokenBuckets(Options(2, TimeSpan.FromMilliseconds(100)));
        for (var i = 0; i < 10_000; i++)
        {
            buckets.AttemptAcquire("caller-" + i).Dispose();
        }

        Assert.That(buckets.Count, Is.Positive, "tracked while their buckets refill");
        // Refilled after 0.1 s, dropped after 1 s more: polled, with a generous bound, never a timed assertion.
        Assert.That(() => buckets.Count, Is.Zero.After(30_000, 100));
    }

    [Test]
    public void TheBeatRunsOnlyWhileSomeCallerHasABucket()
    {
        using var buckets = new CallerTokenBuckets(Options(2, TimeSpan.FromMilliseconds(100)));

        Assert.That(buckets.IsBeating, Is.False, "an instance nobody called wakes for nothing");
        buckets.AttemptAcquire("alice").Dispose();
        Assert.That(buckets.IsBeating, Is.True);
        Assert.That(() => buckets.IsBeating, Is.False.After(30_000, 100), "stops once the last bucket is dropped");
        Assert.That(buckets.Count, Is.Zero);

        buckets.AttemptAcquire("bob").Dispose();
        Assert.That(buckets.IsBeating, Is.True, "a new caller starts it again");
        Assert.That(() => buckets.Count, Is.Zero.After(30_000, 100), "and its bucket is still replenished and dropped");
    }

    [Test]
    public void BucketsWithATimerEachAreRefused()
    {
        var options = Options(1, TimeSpan.FromSeconds(1));
        options.AutoReplenishment = true;

        Assert.That(() => new CallerTokenBuckets(options), Throws.ArgumentException);
    }
}
