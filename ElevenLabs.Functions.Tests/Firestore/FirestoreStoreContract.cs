using System.Text.Json;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// What any Firestore behind the store must do: run against the stand-in always, and against Google's
/// emulator when FIRESTORE_EMULATOR_HOST is set.
/// </summary>
public abstract class FirestoreStoreContract<TFirestore> : AppFixture<TFirestore> where TFirestore : class, IStandIns<TFirestore>
{
    private static DateTimeOffset Now => SampleSession.Now;

    private ISessionStore Store => App.Services.GetRequiredService<ISessionStore>();

    [Test]
    public void TheAppUsesTheFirestoreStore() =>
        Assert.That(Store.GetType().Name, Is.EqualTo("FirestoreSessionStore"));

    [TestCase("""{"jobTitle":"Software Engineer","source":"ai-interview-client"}""")]
    [TestCase("""{}""")]
    [TestCase("""{"empty":{},"list":[],"nested":{"deeper":{"deepest":[1,{"inner":[2,{"innermost":[3]}]}]}}}""")] // no array directly in an array: Firestore refuses that
    [TestCase("""{"unicode":"Zoë – 面接 🎙️","quote":"\"\\\n\t"}""")]
    [TestCase("""{"max":9223372036854775807,"min":-9223372036854775808,"zero":0,"negative":-42}""")]
    [TestCase("""{"pi":3.141592653589793,"tiny":5E-324,"big":1.7976931348623157E+308,"half":-0.5}""")]
    [TestCase("""{"yes":true,"no":false,"nothing":null}""")]
    [TestCase("""{"people":[{"name":"A","age":30,"tags":["x","y"]},{"name":"B","age":null,"tags":[]}]}""")]
    public async Task MetadataRoundTripsExactly(string metadata)
    {
        var session = SampleSession.Create(metadata);

        await Store.CreateAsync(session);
        var read = (await Store.GetAsync(session.ConversationId))!.Session;

        Assert.That(JsonSerializer.Serialize(read.Metadata), Is.EqualTo(JsonSerializer.Serialize(session.Metadata)));
    }

    [Test]
    public async Task ASessionReadsBackAsItWasWritten()
    {
        var session = SampleSession.Create() with
        {
            ElevenLabsConversationId = "conv_el_2",
            ElevenLabsConversationIds = ["conv_el_1", "conv_el_2"],
            Status = SessionStatus.Ended,
            EndedAt = Now.AddMinutes(9),
            EndedBy = SessionEndedBy.Webhook,
            LastCall = Call("conv_el_2"),
        };

        var version = (await Store.CreateAsync(session)).Version;
        var read = await Store.GetAsync(session.ConversationId);

        Assert.That(read!.Version, Is.EqualTo(version));
        Assert.That(read.Session.PendingCallIds, Is.EqualTo(session.PendingCallIds));
        Assert.That(read.Session with { Metadata = default, ElevenLabsConversationIds = [], PendingCallIds = [] },
            Is.EqualTo(session with { Metadata = default, ElevenLabsConversationIds = [], PendingCallIds = [] }));
        Assert.That(read.Session.ElevenLabsConversationIds, Is.EqualTo(session.ElevenLabsConversationIds));
    }

    [Test]
    public async Task AnUpdateReplacesTheIdListAndTheLastCallAndEndsTheSession()
    {
        var session = SampleSession.Create() with { ElevenLabsConversationId = "conv_el_1", ElevenLabsConversationIds = ["conv_el_1"] };
        var version = (await Store.CreateAsync(session)).Version;
        var later = Now.AddMinutes(3);

        await Store.UpdateAsync(session.ConversationId, new SessionChanges
        {
            UpdatedAt = later,
            ElevenLabsConversationId = "conv_el_2",
            ElevenLabsConversationIds = ["conv_el_1", "conv_el_2"],
            LastCall = Call("conv_el_2"),
            Status = SessionStatus.Ended,
            EndedAt = later,
            EndedBy = SessionEndedBy.Sweeper,
        }, version);
        var read = (await Store.GetAsync(session.ConversationId))!.Session;

        Assert.That(read.ElevenLabsConversationIds, Is.EqualTo(new[] { "conv_el_1", "conv_el_2" }));
        Assert.That(read.ElevenLabsConversationId, Is.EqualTo("conv_el_2"));
        Assert.That(read.LastCall, Is.EqualTo(Call("conv_el_2")));
        Assert.That(read.EndedBy, Is.EqualTo(SessionEndedBy.Sweeper));
        Assert.That(read.UserId, Is.EqualTo(session.UserId), "fields not named stay");
    }

    internal static CallSummary Call(string elevenLabsId) => new()
    {
        ElevenLabsConversationId = elevenLabsId,
        Status = "done",
        CallDurationSecs = 754,
        CallSuccessful = "success",
        TranscriptSummary = "The candidate described two projects – 面接 🎙️.",
        TerminationReason = "end_call tool was called.",
        StartedAt = Now.AddMinutes(-13),
    };

    [Test]
    public async Task ACreateNeverOverwrites()
    {
        var session = SampleSession.Create();
        await Store.CreateAsync(session);

        Assert.ThrowsAsync<SessionConflictException>(() => Store.CreateAsync(session with { UserId = "intruder" }));
        Assert.That((await Store.GetAsync(session.ConversationId))!.Session.UserId, Is.EqualTo("user123"));
    }

    /// <summary>A caller of its own per run, so that counts start at zero also in an emulator that keeps its data.</summary>
    private static DailyCount NewCount() => new("caller-" + Guid.NewGuid().ToString("N")[..12], new DateOnly(2026, 11, 27));

    [Test]
    public async Task ACreateCountsItsSessionInTheSameWriteAndAnUndoTakesBothBack()
    {
        var count = NewCount();
        var counts = new List<long?>();
        var sessions = new List<(Session Session, string Version)>();
        for (var i = 0; i < 3; i++)
        {
            var session = SampleSession.Create();
            var created = await Store.CreateAsync(session, count);
            counts.Add(created.Count);
            sessions.Add((session, created.Version));
        }

        var (last, lastVersion) = sessions[^1];
        await Store.DeleteCreatedAsync(last.ConversationId, lastVersion, count);
        var after = await Store.CreateAsync(SampleSession.Create(), count);

        Assert.That(counts, Is.EqualTo(new long?[] { 1, 2, 3 }), "each create answers the caller's count after it");
        Assert.That(await Store.GetAsync(last.ConversationId), Is.Null, "the undone session is deleted");
        Assert.That(await Store.GetAsync(sessions[0].Session.ConversationId), Is.Not.Null);
        Assert.That(after.Count, Is.EqualTo(3), "the undo took its one back");
        Assert.That((await Store.CreateAsync(SampleSession.Create())).Count, Is.Null, "a create without a count counts nothing");
    }

    [Test]
    public async Task ACreateThatConflictsCountsNothing()
    {
        var count = NewCount();
        var session = SampleSession.Create();
        await Store.CreateAsync(session, count);

        Assert.ThrowsAsync<SessionConflictException>(() => Store.CreateAsync(session with { UserId = "intruder" }, count));
        Assert.That((await Store.CreateAsync(SampleSession.Create(), count)).Count, Is.EqualTo(2), "the refused create was not counted");
    }

    [Test]
    public async Task AnUndoDeletesOnlyTheVersionItCreated()
    {
        var count = NewCount();
        var session = SampleSession.Create();
        var created = await Store.CreateAsync(session, count);
        await Store.UpdateAsync(session.ConversationId, new SessionChanges { UpdatedAt = Now.AddSeconds(1), Status = SessionStatus.Ended }, created.Version);

        Assert.ThrowsAsync<SessionConflictException>(() => Store.DeleteCreatedAsync(session.ConversationId, created.Version, count));
        Assert.That((await Store.GetAsync(session.ConversationId))!.Session.Status, Is.EqualTo(SessionStatus.Ended), "a changed session is kept");
        Assert.That((await Store.CreateAsync(SampleSession.Create(), count)).Count, Is.EqualTo(2), "and its count too");
    }

    [Test]
    public async Task AnUnknownSessionReadsAsNull() =>
        Assert.That(await Store.GetAsync(ConversationId.NewId()), Is.Null);

    [Test]
    public async Task AnUpdateNeverCreates()
    {
        var id = ConversationId.NewId();

        Assert.ThrowsAsync<SessionNotFoundException>(() => Store.UpdateAsync(id, new SessionChanges { UpdatedAt = Now, Status = SessionStatus.Ended }));
        Assert.That(await Store.GetAsync(id), Is.Null);
    }

    [Test]
    public async Task AnUpdateTouchesOnlyTheFieldsItNames()
    {
        var session = SampleSession.Create();
        await Store.CreateAsync(session);
        var later = Now.AddMinutes(5);

        await Store.UpdateAsync(session.ConversationId, new SessionChanges { UpdatedAt = later, Status = SessionStatus.Ended, EndedAt = later });
        var read = (await Store.GetAsync(session.ConversationId))!.Session;

        Assert.That(read.Status, Is.EqualTo(SessionStatus.Ended));
        Assert.That(read.EndedAt, Is.EqualTo(later));
        Assert.That(read.UpdatedAt, Is.EqualTo(later));
        Assert.That(read.CreatedAt, Is.EqualTo(session.CreatedAt));
        Assert.That(read.UserId, Is.EqualTo(session.UserId));
        Assert.That(JsonSerializer.Serialize(read.Metadata), Is.EqualTo(JsonSerializer.Serialize(session.Metadata)));
    }

    [Test]
    public async Task AStaleVersionConflicts()
    {
        var session = SampleSession.Create();
        var first = (await Store.CreateAsync(session)).Version;
        await Store.UpdateAsync(session.ConversationId, new SessionChanges { UpdatedAt = Now.AddSeconds(1), ElevenLabsConversationId = "x" }, first);

        Assert.ThrowsAsync<SessionConflictException>(() =>
            Store.UpdateAsync(session.ConversationId, new SessionChanges { UpdatedAt = Now.AddSeconds(2), Status = SessionStatus.Ended }, first));
        Assert.That((await Store.GetAsync(session.ConversationId))!.Session.Status, Is.EqualTo(SessionStatus.Active));
    }

    [Test]
    public async Task IdleSessionsAreTheActiveOnesLastUpdatedBeforeTheCutoffOldestFirst()
    {
        var start = IdleWindow();
        var cutoff = start.AddMinutes(5);
        var oldest = await CreateAsync(SessionStatus.Active, start.AddMinutes(1));
        var newest = await CreateAsync(SessionStatus.Active, start.AddMinutes(3));
        var middle = await CreateAsync(SessionStatus.Active, start.AddMinutes(2));
        var ended = await CreateAsync(SessionStatus.Ended, start.AddMinutes(1.5));
        var atCutoff = await CreateAsync(SessionStatus.Active, cutoff);
        var recent = await CreateAsync(SessionStatus.Active, cutoff.AddMinutes(1));
        try
        {
            var idle = await Store.FindIdleAsync(cutoff, 10);

            Assert.That(idle.Select(s => s.Session.ConversationId), Is.EqualTo(new[] { oldest, middle, newest }));
            Assert.That(idle.Select(s => s.Session.UpdatedAt), Is.Ordered);
        }
        finally
        {
            await EndAllAsync(oldest, newest, middle, ended, atCutoff, recent);
        }
    }

    [Test]
    public async Task AtMostTheLimitOfIdleSessionsIsReturnedTheOldestFirst()
    {
        var start = IdleWindow();
        var ids = new List<string>();
        for (var i = 5; i >= 1; i--)
        {
            ids.Add(await CreateAsync(SessionStatus.Active, start.AddSeconds(i)));
        }

        try
        {
            var idle = await Store.FindIdleAsync(start.AddMinutes(1), 2);

            Assert.That(idle.Select(s => s.Session.ConversationId), Is.EqualTo(new[] { ids[4], ids[3] }));
        }
        finally
        {
            await EndAllAsync([.. ids]);
        }
    }

    [Test]
    public async Task AnIdleSessionCarriesTheVersionItsConditionalUpdateNeeds()
    {
        var start = IdleWindow();
        var id = await CreateAsync(SessionStatus.Active, start);
        try
        {
            var found = (await Store.FindIdleAsync(start.AddMinutes(1), 10)).Single();
            Assert.That(found.Version, Is.EqualTo((await Store.GetAsync(id))!.Version));

            await Store.UpdateAsync(id, new SessionChanges { UpdatedAt = start.AddMinutes(2), ElevenLabsConversationId = "conv_el_meanwhile" });

            Assert.ThrowsAsync<SessionConflictException>(() =>
                Store.UpdateAsync(id, new SessionChanges { UpdatedAt = start.AddMinutes(3), Status = SessionStatus.Ended }, found.Version));
            Assert.That((await Store.GetAsync(id))!.Session.Status, Is.EqualTo(SessionStatus.Active));
        }
        finally
        {
            await EndAllAsync(id);
        }
    }

    [Test]
    public async Task ASessionIsFoundByItsElevenLabsConversationId()
    {
        var elevenLabsId = "conv_el_" + Guid.NewGuid().ToString("N");
        var session = SampleSession.Create() with { ElevenLabsConversationId = elevenLabsId };
        await Store.CreateAsync(session);
        await Store.CreateAsync(SampleSession.Create() with { ElevenLabsConversationId = "conv_el_" + Guid.NewGuid().ToString("N") });

        var found = await Store.FindByElevenLabsConversationIdAsync(elevenLabsId);

        Assert.That(found!.Session.ConversationId, Is.EqualTo(session.ConversationId));
        Assert.That(found.Version, Is.EqualTo((await Store.GetAsync(session.ConversationId))!.Version));
    }

    [Test]
    public async Task ASessionIsFoundByAnEarlierCallsElevenLabsIdToo()
    {
        var first = "conv_el_" + Guid.NewGuid().ToString("N");
        var latest = "conv_el_" + Guid.NewGuid().ToString("N");
        var session = SampleSession.Create() with { ElevenLabsConversationId = first, ElevenLabsConversationIds = [first] };
        var version = (await Store.CreateAsync(session)).Version;
        await Store.UpdateAsync(session.ConversationId, session.LinkElevenLabsConversation(latest, Now.AddMinutes(1)), version);

        Assert.That((await Store.FindByElevenLabsConversationIdAsync(first))?.Session.ConversationId, Is.EqualTo(session.ConversationId));
        Assert.That((await Store.FindByElevenLabsConversationIdAsync(latest))?.Session.ConversationId, Is.EqualTo(session.ConversationId));
    }

    [Test]
    public async Task AnElevenLabsConversationIdNoSessionHasFindsNothing() =>
        Assert.That(await Store.FindByElevenLabsConversationIdAsync("conv_el_" + Guid.NewGuid().ToString("N")), Is.Null);

    /// <summary>
    /// A stretch of time before any other test's sessions, its own for this test. The idle query sees active
    /// sessions of every earlier window too, so each test ends its own afterwards.
    /// </summary>
    private static DateTimeOffset IdleWindow() =>
        new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(Random.Shared.Next(0, 24 * 365 * 20));

    private async Task<string> CreateAsync(string status, DateTimeOffset updatedAt)
    {
        var session = SampleSession.Create() with { Status = status, CreatedAt = updatedAt.AddMinutes(-1), UpdatedAt = updatedAt };
        await Store.CreateAsync(session);
        return session.ConversationId;
    }

    private async Task EndAllAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            var stored = await Store.GetAsync(id);
            await Store.UpdateAsync(id, new SessionChanges { UpdatedAt = stored!.Session.UpdatedAt, Status = SessionStatus.Ended });
        }
    }
}

/// <summary>The contract against the REST stand-in, authenticated with a generated service-account key.</summary>
[TestFixture]
public sealed class StandInStoreContractTests : FirestoreStoreContract<FirestoreRig>;

/// <summary>The contract against Google's Firestore emulator, when FIRESTORE_EMULATOR_HOST names one.</summary>
[TestFixture]
public sealed class EmulatorStoreContractTests : FirestoreStoreContract<FirestoreEmulator>;
