using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Limits;

/// <summary>What an instance remembers of the callers who reached today's quota: until 00:00 UTC, and at most <see cref="DailyQuota.MaxRemembered"/>.</summary>
[TestFixture]
public sealed class DailyQuotaMemoryTests
{
    private static DailyQuota Quota(FakeTimeProvider time, int perDay = 1) =>
        new(Options.Create(new QuotaOptions { SessionsPerDay = perDay }), new SessionRetention(Options.Create(new SessionsOptions())), time, NullLogger<DailyQuota>.Instance);

    [Test]
    public void ACallerWhoReachedTheQuotaIsRefusedUntilMidnightUtcAndCountedAgainAfter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 23, 59, 0, TimeSpan.Zero));
        var quota = Quota(time);
        var count = quota.CountFor("uid-a")!;

        var over = quota.IsOver(count, 1);
        var refused = Assert.Throws<QuotaExceededException>(() => quota.CountFor("uid-a"));
        var other = quota.CountFor("uid-b");
        time.Advance(TimeSpan.FromMinutes(2));
        var nextDay = quota.CountFor("uid-a");

        Assert.That(over, Is.False, "the limit itself is within the quota");
        Assert.That(refused!.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(1)), "until 00:00 UTC");
        Assert.That(other, Is.Not.Null, "another caller is not affected");
        Assert.That(nextDay, Is.EqualTo(new DailyCount("uid-a", new DateOnly(2026, 11, 28))));
    }

    [Test]
    public void TheMemoryHoldsAtMostItsCapAndLaterCallersAreLeftToTheStoresCount()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var quota = Quota(time);
        for (var i = 0; i <= DailyQuota.MaxRemembered; i++)
        {
            quota.IsOver(quota.CountFor("caller-" + i)!, 2);
        }

        Assert.Throws<QuotaExceededException>(() => quota.CountFor("caller-0"));
        Assert.Throws<QuotaExceededException>(() => quota.CountFor("caller-" + (DailyQuota.MaxRemembered - 1)));
        Assert.That(quota.CountFor("caller-" + DailyQuota.MaxRemembered), Is.Not.Null, "full: not remembered, the store's count still refuses it");
    }

    [Test]
    public void WithoutACallerOrWithTheQuotaOffNothingIsCounted()
    {
        var time = new FakeTimeProvider();
        Assert.That(Quota(time).CountFor(null), Is.Null);
        Assert.That(Quota(time, perDay: 0).CountFor("uid-a"), Is.Null);
    }
}
