using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Tests.Sessions;

/// <summary>The in-memory store answers the sweep's and the webhook's lookups as Firestore does (no server involved).</summary>
[TestFixture]
public sealed class InMemorySessionStoreTests
{
    private static readonly DateTimeOffset Cutoff = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task IdleSessionsAreTheActiveOnesLastUpdatedBeforeTheCutoffOldestFirstUpToTheLimit()
    {
        var store = NewStore();
        var oldest = await AddAsync(store, SessionStatus.Active, Cutoff.AddHours(-3));
        var middle = await AddAsync(store, SessionStatus.Active, Cutoff.AddHours(-2));
        await AddAsync(store, SessionStatus.Active, Cutoff.AddHours(-1));
        await AddAsync(store, SessionStatus.Ended, Cutoff.AddHours(-4));
        await AddAsync(store, SessionStatus.Expired, Cutoff.AddHours(-4));
        await AddAsync(store, SessionStatus.Active, Cutoff);

        var idle = await store.FindIdleAsync(Cutoff, 2);

        Assert.That(idle.Select(s => s.Session.ConversationId), Is.EqualTo(new[] { oldest, middle }));
        Assert.That(idle[0].Version, Is.EqualTo((await store.GetAsync(oldest))!.Version));
    }

    [Test]
    public async Task ASessionAndItsCountAreStoredTogetherAndAnUndoTakesBothBack()
    {
        var store = NewStore();
        var today = new DailyCount("203.0.113.7", new DateOnly(2026, 11, 27));
        var first = SampleSession.Create();
        var counts = new List<long?> { (await store.CreateAsync(first, today)).Count };
        Assert.ThrowsAsync<SessionConflictException>(() => store.CreateAsync(first, today));
        var second = SampleSession.Create();
        var created = await store.CreateAsync(second, today);
        counts.Add(created.Count);

        Assert.ThrowsAsync<SessionConflictException>(() => store.DeleteCreatedAsync(second.ConversationId, "0", today), "only the version it created");
        await store.DeleteCreatedAsync(second.ConversationId, created.Version, today);

        Assert.That(counts, Is.EqualTo(new long?[] { 1, 2 }), "the conflicting create counted nothing");
        Assert.That(await store.GetAsync(second.ConversationId), Is.Null);
        Assert.That((await store.CreateAsync(SampleSession.Create(), today)).Count, Is.EqualTo(2), "the undo took its one back");
        Assert.That((await store.CreateAsync(SampleSession.Create(), today with { Day = today.Day.AddDays(1) })).Count, Is.EqualTo(1), "a new day starts at zero");
    }

    [Test]
    public async Task ASessionIsFoundByAnyOfItsElevenLabsIdsOrTheOlderSingleOne()
    {
        var store = NewStore();
        var listed = SampleSession.Create() with { ElevenLabsConversationId = "conv_el_b", ElevenLabsConversationIds = ["conv_el_a", "conv_el_b"] };
        var older = SampleSession.Create() with { ElevenLabsConversationId = "conv_el_c" };
        await store.CreateAsync(listed);
        await store.CreateAsync(older);

        Assert.That((await store.FindByElevenLabsConversationIdAsync("conv_el_a"))?.Session.ConversationId, Is.EqualTo(listed.ConversationId));
        Assert.That((await store.FindByElevenLabsConversationIdAsync("conv_el_c"))?.Session.ConversationId, Is.EqualTo(older.ConversationId));
        Assert.That(await store.FindByElevenLabsConversationIdAsync("conv_el_x"), Is.Null);
    }

    private static InMemorySessionStore NewStore() =>
        new(Options.Create(new SessionsOptions()), NullLogger<InMemorySessionStore>.Instance);

    private static async Task<string> AddAsync(InMemorySessionStore store, string status, DateTimeOffset updatedAt)
    {
        var session = SampleSession.Create() with { Status = status, CreatedAt = updatedAt, UpdatedAt = updatedAt };
        await store.CreateAsync(session);
        return session.ConversationId;
    }
}
