using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Telemetry;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// The use case "erase a session and everything that hangs off it". First the session is marked <c>deleting</c> (one
/// conditional write: from then on every action answers it as not found, and no call or recording is stored for it),
/// then, in order: each of its ElevenLabs conversations (<c>DELETE</c>; one already gone counts as done), its recordings
/// in Blob Storage, its call documents and their transcript parts, and last the session's document. Every step is
/// idempotent, so a run that fails midway (<see cref="SessionErasureException"/>) leaves the session <c>deleting</c>,
/// and the next run (a retry of <c>delete_session</c>, or the sweep: <see cref="FinishPendingAsync"/>) does the rest.
/// The <c>SessionErased</c> event carries counts only. No caller is checked here: whoever read the session did
/// (<see cref="SessionService.DeleteAsync"/>), or the timer asks (retention: <see cref="EraseExpiredAsync"/>).
/// </summary>
public sealed partial class SessionEraser(
    ISessionStore store,
    ElevenLabsClient elevenLabs,
    RecordingStore recordings,
    ConversationTelemetry telemetry,
    SessionRetention retention,
    TimeProvider time,
    ILogger<SessionEraser> logger)
{
    /// <summary>
    /// The most unfinished erasures one sweep finishes, the longest marked first, and the most sessions past retention it
    /// erases, the longest expired first; the rest wait for the next run.
    /// </summary>
    public const int MaxPerRun = 50;

    private const int MaxWriteAttempts = 8;

    /// <summary>
    /// Erases the session with this id, whatever its status (for the timer: sessions past retention, with
    /// <see cref="ErasureSource.Retention"/>). Null when there is no such session (erased before).
    /// </summary>
    /// <exception cref="SessionErasureException">A dependency failed midway: the session stays <c>deleting</c>.</exception>
    public async Task<SessionErasure?> EraseAsync(string conversationId, string source, CancellationToken cancellationToken = default)
    {
        StoredSession? stored;
        try
        {
            stored = await store.GetAsync(conversationId, cancellationToken);
        }
        catch (SessionStoreException ex)
        {
            throw Incomplete(conversationId, ex);
        }

        return stored is null ? null : await EraseAsync(stored, source, cancellationToken);
    }

    /// <summary>Erases <paramref name="stored"/>, the session as read (its reader checked the caller).</summary>
    /// <exception cref="SessionErasureException">A dependency failed midway: the session stays <c>deleting</c>.</exception>
    public async Task<SessionErasure> EraseAsync(StoredSession stored, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var conversationId = stored.Session.ConversationId;
        var marked = await MarkAsync(stored, cancellationToken);
        if (marked is null)
        {
            return new SessionErasure(conversationId, 0, 0, 0, 0); // erased meanwhile by another run
        }

        var conversations = await DeleteConversationsAsync(marked.Session, cancellationToken);
        int recordingsDeleted;
        try
        {
            recordingsDeleted = await recordings.DeleteSessionAsync(conversationId, cancellationToken);
        }
        catch (RecordingStoreException ex)
        {
            LogStopped(logger, ex, conversationId, "Blob Storage");
            throw new SessionErasureException(conversationId, "Blob Storage", ex.Transient, ex);
        }

        var (calls, parts) = await DeleteDocumentsAsync(marked, cancellationToken);
        var erasure = new SessionErasure(conversationId, conversations, recordingsDeleted, calls, parts);
        telemetry.SessionErased(source, erasure, marked.Session.AgentId);
        LogErased(logger, conversationId, source, conversations, recordingsDeleted, calls, parts);
        return erasure;
    }

    /// <summary>
    /// The sweep's part: finishes the erasures that stopped midway, the longest marked first, at most
    /// <see cref="MaxPerRun"/>. One that fails again is logged and left for the next run.
    /// </summary>
    /// <exception cref="SessionStoreException">The sessions being deleted could not be queried (nothing was erased).</exception>
    public async Task<IReadOnlyList<(string ConversationId, SessionErasure? Erasure)>> FinishPendingAsync(CancellationToken cancellationToken = default) =>
        await EraseEachAsync(await store.FindDeletingAsync(MaxPerRun, cancellationToken), ErasureSource.Sweep, cancellationToken);

    /// <summary>
    /// The sweep's part under <c>Sessions:RetentionDays</c>: erases the sessions whose <c>expireAt</c> has passed, whatever
    /// their status, the longest expired first, at most <see cref="MaxPerRun"/> (source <see cref="ErasureSource.Retention"/>),
    /// so their ElevenLabs conversations and recordings go with their documents. One that fails is logged and stays
    /// <c>deleting</c> (or untouched, when the mark failed) for the next run. Off (0 days): nothing is queried, nothing erased.
    /// </summary>
    /// <exception cref="SessionStoreException">The sessions past retention could not be queried (nothing was erased).</exception>
    public async Task<IReadOnlyList<(string ConversationId, SessionErasure? Erasure)>> EraseExpiredAsync(CancellationToken cancellationToken = default)
    {
        if (retention.Period is null)
        {
            return [];
        }

        var expired = await store.FindExpiredAsync(time.GetUtcNowToMicrosecond(), MaxPerRun, cancellationToken);
        return await EraseEachAsync(expired, ErasureSource.Retention, cancellationToken);
    }

    /// <summary>Each session erased in turn; one that fails (null) does not stop the others.</summary>
    private async Task<IReadOnlyList<(string ConversationId, SessionErasure? Erasure)>> EraseEachAsync(
        IReadOnlyList<StoredSession> sessions, string source, CancellationToken cancellationToken)
    {
        var results = new List<(string, SessionErasure?)>(sessions.Count);
        foreach (var stored in sessions)
        {
            try
            {
                results.Add((stored.Session.ConversationId, await EraseAsync(stored, source, cancellationToken)));
            }
            catch (SessionErasureException)
            {
                results.Add((stored.Session.ConversationId, null)); // logged where it stopped
            }
        }

        return results;
    }

    /// <summary>
    /// The session marked <c>deleting</c> (its pending calls dropped, so the reconcile pass leaves it), as stored now;
    /// one marked already is left as it is. Null when it is gone.
    /// </summary>
    private async Task<StoredSession?> MarkAsync(StoredSession stored, CancellationToken cancellationToken)
    {
        var conversationId = stored.Session.ConversationId;
        for (var attempt = 1; ; attempt++)
        {
            if (stored.Session.Status == SessionStatus.Deleting)
            {
                return stored;
            }

            var changes = new SessionChanges
            {
                Status = SessionStatus.Deleting,
                UpdatedAt = time.GetUtcNowToMicrosecond(),
                PendingCallIds = [],
                ReconcileAt = null,
            };
            try
            {
                var version = await store.UpdateAsync(conversationId, changes, stored.Version, cancellationToken);
                LogMarked(logger, conversationId);
                return new StoredSession(stored.Session.Apply(changes), version);
            }
            catch (SessionNotFoundException)
            {
                return null;
            }
            catch (SessionConflictException) when (attempt < MaxWriteAttempts)
            {
                // Written meanwhile: mark what is there now.
            }
            catch (Exception ex) when (ex is SessionStoreException or SessionConflictException)
            {
                throw Incomplete(conversationId, ex);
            }

            StoredSession? current;
            try
            {
                current = await store.GetAsync(conversationId, cancellationToken);
            }
            catch (SessionStoreException ex)
            {
                throw Incomplete(conversationId, ex);
            }

            if (current is null)
            {
                return null;
            }

            stored = current;
        }
    }

    /// <summary>Each ElevenLabs conversation of the session deleted there; how many were deleted now (404: gone before).</summary>
    private async Task<int> DeleteConversationsAsync(Session session, CancellationToken cancellationToken)
    {
        IEnumerable<string> ids = session.ElevenLabsConversationIds;
        if (session.ElevenLabsConversationId is { Length: > 0 } latest)
        {
            ids = ids.Append(latest);
        }

        var deleted = 0;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (await elevenLabs.DeleteConversationAsync(id, cancellationToken))
                {
                    deleted++;
                }
            }
            catch (ArgumentException)
            {
                // Not an id ElevenLabs makes (an older writer's): there is nothing of it to delete there.
            }
            catch (ElevenLabsException ex)
            {
                LogStopped(logger, ex, session.ConversationId, "ElevenLabs");
                throw new SessionErasureException(session.ConversationId, "ElevenLabs",
                    ex.Failure is not (ElevenLabsFailure.Unauthorized or ElevenLabsFailure.Rejected), ex);
            }
        }

        return deleted;
    }

    /// <summary>
    /// The calls and their parts, then the session's document while it is still as marked; a write meanwhile (a call
    /// stored by a delivery that read the session before the mark) is erased too, and the delete tried again.
    /// </summary>
    private async Task<(int Calls, int Parts)> DeleteDocumentsAsync(StoredSession marked, CancellationToken cancellationToken)
    {
        var conversationId = marked.Session.ConversationId;
        int calls = 0, parts = 0;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var erased = await store.DeleteCallsAsync(conversationId, cancellationToken);
                (calls, parts) = (calls + erased.Calls, parts + erased.TranscriptParts);
                try
                {
                    await store.DeleteAsync(conversationId, marked.Version, cancellationToken);
                    return (calls, parts);
                }
                catch (SessionConflictException) when (attempt < MaxWriteAttempts)
                {
                    if (await store.GetAsync(conversationId, cancellationToken) is not { } current)
                    {
                        return (calls, parts);
                    }

                    marked = current;
                }
            }
        }
        catch (Exception ex) when (ex is SessionStoreException or SessionConflictException)
        {
            throw Incomplete(conversationId, ex);
        }
    }

    private SessionErasureException Incomplete(string conversationId, Exception ex)
    {
        LogStopped(logger, ex, conversationId, "the session store");
        return new SessionErasureException(conversationId, "the session store",
            ex is SessionConflictException or SessionStoreException { Failure: SessionStoreFailure.Unavailable }, ex);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId} marked deleting")]
    private static partial void LogMarked(ILogger logger, string conversationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId} erased ({Source}): {Conversations} ElevenLabs conversations, {Recordings} recordings, {Calls} calls, {TranscriptParts} transcript parts deleted")]
    private static partial void LogErased(ILogger logger, string conversationId, string source, int conversations, int recordings, int calls, int transcriptParts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The erasure of session {ConversationId} stopped: {Dependency} failed. It stays deleting; a retry or the next sweep finishes it")]
    private static partial void LogStopped(ILogger logger, Exception exception, string conversationId, string dependency);
}

/// <summary>
/// What one run of a session's erasure removed: ElevenLabs conversations deleted (one already gone there is not
/// counted), recordings deleted from Blob Storage, call documents and transcript part documents deleted. A run that
/// finishes an erasure an earlier run began counts only what was left.
/// </summary>
public sealed record SessionErasure(string ConversationId, int Conversations, int Recordings, int Calls, int TranscriptParts);

/// <summary>The call documents and transcript part documents a store deleted.</summary>
public sealed record ErasedCalls(int Calls, int TranscriptParts);

/// <summary>Who asked for an erasure: the <c>Source</c> of its <c>SessionErased</c> event.</summary>
public static class ErasureSource
{
    /// <summary><c>delete_session</c>, by the session's owner.</summary>
    public const string Client = "client";

    /// <summary>The sweep, finishing an erasure that failed midway.</summary>
    public const string Sweep = "sweep";

    /// <summary>The retention policy (<c>Sessions:RetentionDays</c>): the sweep, erasing a session past its <c>expireAt</c>.</summary>
    public const string Retention = "retention";
}
