using ElevenLabs.Functions.Limits;

namespace ElevenLabs.Functions.Sessions;

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
    /// Stores a finished call: with its session when <see cref="CallRecord.ConversationId"/> is set, else with the
    /// unmatched calls; named by ElevenLabs' id, and never written over (a repeated delivery keeps the first).
    /// </summary>
    /// <returns>True when stored now; false when it was stored already.</returns>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    Task<bool> CreateCallAsync(CallRecord call, CancellationToken cancellationToken = default);
}
