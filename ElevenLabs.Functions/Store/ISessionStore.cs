using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Store;

/// <summary>Where sessions live. Implementations: in memory, Firestore.</summary>
public interface ISessionStore
{
    /// <summary>A name for logs and start-up messages.</summary>
    string Name { get; }

    /// <summary>
    /// Stores a new session; never overwrites one. With <paramref name="count"/>, adds one to the caller's count for
    /// that day in the same atomic write: both or neither, so a create that fails counts nothing. A store that retries
    /// a create may find the document its own earlier attempt wrote: that is a success (the stored version, and no
    /// count: it was counted once, by the attempt that landed), not a conflict.
    /// </summary>
    /// <exception cref="SessionConflictException">Another session with that id exists (nothing is counted).</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<CreatedSession> CreateAsync(Session session, DailyCount? count = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Undoes a create (over the daily quota, or whose outcome was unknown), in one atomic write: deletes the session, only
    /// while it is still at <paramref name="version"/> (so nothing else is ever deleted), and takes its one back from
    /// <paramref name="count"/> when it was counted.
    /// </summary>
    /// <exception cref="SessionConflictException">The session is gone or changed since <paramref name="version"/> (nothing is changed).</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task DeleteCreatedAsync(string conversationId, string version, DailyCount? count, CancellationToken cancellationToken = default);

    /// <summary>The session, or null when there is none with that id.</summary>
    Task<StoredSession?> GetAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes only the fields <paramref name="changes"/> names, and only to an existing session.
    /// With <paramref name="expectedVersion"/>, only when the stored session is still that version.
    /// </summary>
    /// <returns>The new version.</returns>
    /// <exception cref="SessionNotFoundException">No session has that id.</exception>
    /// <exception cref="SessionConflictException">The session changed since <paramref name="expectedVersion"/>.</exception>
    Task<string> UpdateAsync(string conversationId, SessionChanges changes, string? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The session one of whose ElevenLabs conversations has this id (in <c>elevenLabsConversationIds</c>, or the
    /// single <c>elevenLabsConversationId</c> older sessions carry), or null when none has.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<StoredSession?> FindByElevenLabsConversationIdAsync(string elevenLabsConversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sessions still <c>active</c> whose <c>updatedAt</c> is before <paramref name="updatedBefore"/>, oldest first,
    /// at most <paramref name="limit"/>: the ones the sweep looks at.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed (in Firestore: also when the composite index is missing).</exception>
    Task<IReadOnlyList<StoredSession>> FindIdleAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Completes when the store answers a read as a working store does (for readiness); a missing document is such an answer.</summary>
    /// <exception cref="SessionStoreException">The store failed or refused the read.</exception>
    Task ProbeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a finished call no session matched (<see cref="CallRecord.ConversationId"/> null) with the unmatched calls,
    /// or (older callers) one with its session; named by ElevenLabs' id, and never written over (a repeated delivery keeps the first).
    /// </summary>
    /// <returns>True when stored now; false when it was stored already.</returns>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<bool> CreateCallAsync(CallRecord call, CancellationToken cancellationToken = default);

    /// <summary>
    /// The call stored with the session, or null. With <paramref name="withTranscript"/>, its transcript joined back
    /// from its parts, in order; without, the transcript is left empty (one read).
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<StoredCall?> GetCallAsync(string conversationId, string elevenLabsConversationId, bool withTranscript, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a call matched to its session (<see cref="CallRecord.ConversationId"/>) and the session's changes together,
    /// atomically: the call's document (a create when <paramref name="replacing"/> is null, else a replacement only
    /// while that document is still at its version, its surplus transcript parts removed) and, with
    /// <paramref name="changes"/>, the session's fields, only while the session is still at <paramref name="sessionVersion"/>.
    /// </summary>
    /// <exception cref="SessionConflictException">The call was stored, or the call or the session changed, meanwhile: nothing was written.</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task RecordCallAsync(CallRecord call, StoredCall? replacing, string sessionVersion, SessionChanges? changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sessions with calls pending whose <c>reconcileAt</c> is at or before <paramref name="dueBy"/>, the longest due
    /// first, at most <paramref name="limit"/>: the ones the reconcile pass looks at (whatever their status).
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<IReadOnlyList<StoredSession>> FindPendingCallsAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sessions marked <c>deleting</c> whose erasure is not finished, the longest marked first (by <c>updatedAt</c>, which
    /// the mark sets), at most <paramref name="limit"/>: the ones the sweep finishes.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<IReadOnlyList<StoredSession>> FindDeletingAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sessions whose <c>expireAt</c> is before <paramref name="expiredBefore"/>, whatever their status, the longest
    /// expired first, at most <paramref name="limit"/>: the ones the sweep erases under <c>Sessions:RetentionDays</c>.
    /// A session without <c>expireAt</c> (written while retention was off) is never found.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<IReadOnlyList<StoredSession>> FindExpiredAsync(DateTimeOffset expiredBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every call stored with the session and every transcript part below them (whatever the calls' documents
    /// say), and returns how many of each it deleted. Idempotent: a second run deletes nothing and counts nothing.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed (what was deleted stays deleted; a retry deletes the rest).</exception>
    Task<ErasedCalls> DeleteCallsAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the session's document, only while it is still at <paramref name="version"/>.</summary>
    /// <returns>True when deleted now; false when there was none (deleted before).</returns>
    /// <exception cref="SessionConflictException">The session changed since <paramref name="version"/> (nothing is deleted).</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<bool> DeleteAsync(string conversationId, string version, CancellationToken cancellationToken = default);
}

/// <summary>A session as read from a store, with the store's version of it (for conditional updates).</summary>
public sealed record StoredSession(Session Session, string Version);

/// <summary>
/// A call as stored with its session (<c>conversation-sessions/{id}/calls/{elevenLabsConversationId}</c>), with the
/// store's version of its document and how many transcript part documents it has (for a replacement that must remove
/// the surplus ones).
/// </summary>
public sealed record StoredCall(CallRecord Call, int TranscriptParts, string Version);

/// <summary>What a create stored.</summary>
/// <param name="Version">The new session's version (for conditional writes, and for undoing the create).</param>
/// <param name="Count">
/// The caller's count for the day after this session was added to it; null when nothing was counted, and when the
/// create's answer was lost and the session was found stored (it was counted once, by the write that landed).
/// </param>
public sealed record CreatedSession(string Version, long? Count);

/// <summary>The fields an update writes; null fields are left as they are.</summary>
public sealed record SessionChanges
{
    public required DateTimeOffset UpdatedAt { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndedBy { get; init; }
    public string? ElevenLabsConversationId { get; init; }

    /// <summary>The whole new list (it replaces the stored one: write it conditionally on the version it was made from).</summary>
    public IReadOnlyList<string>? ElevenLabsConversationIds { get; init; }

    /// <summary>The whole new summary (it replaces the stored one).</summary>
    public CallSummary? LastCall { get; init; }

    /// <summary>
    /// The whole new list of pending calls; written together with <see cref="ReconcileAt"/> (null then clears it), and
    /// <see cref="ReconcileAt"/> is only written with it.
    /// </summary>
    public IReadOnlyList<string>? PendingCallIds { get; init; }

    public DateTimeOffset? ReconcileAt { get; init; }
}

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
