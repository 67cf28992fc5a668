using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// The use cases a client calls: create a session, issue a fresh signed URL or WebRTC token for it, read it, end it, delete it.
/// Each acts for a <see cref="Caller"/>, its first parameter: the owner of a new session, the one whose quota counts it,
/// and whose sessions alone it may use.
/// </summary>
public sealed partial class SessionService(
    ISessionStore store,
    DailyQuota quota,
    ElevenLabsClient elevenLabs,
    SessionEraser eraser,
    IOptionsMonitor<ElevenLabsOptions> options,
    IOptionsMonitor<AuthOptions> auth,
    SessionRetention retention,
    TimeProvider time,
    ILogger<SessionService> logger)
{
    private const int MaxWriteAttempts = 8;

    /// <summary>
    /// Asks ElevenLabs for a signed URL, then writes the session with ElevenLabs' conversation id in it: one write.
    /// If ElevenLabs fails, nothing is written.
    /// </summary>
    public async Task<SessionWithUrl> CreateAsync(Caller caller, NewSession request, CancellationToken cancellationToken = default)
    {
        var (session, signed) = await CreateAsync(caller, request, elevenLabs.GetSignedUrlAsync, s => s.ConversationId, cancellationToken);
        return new SessionWithUrl(session, signed);
    }

    /// <summary>
    /// Asks ElevenLabs for a WebRTC conversation token, then writes the session: one write. When the token answer carries
    /// ElevenLabs' <c>conversation_id</c>, it is linked as a signed URL's is; otherwise the post-call webhook links the
    /// call through the session id the client passes on.
    /// </summary>
    public async Task<SessionWithToken> CreateWithTokenAsync(Caller caller, NewSession request, CancellationToken cancellationToken = default)
    {
        var (session, token) = await CreateAsync(caller, request, elevenLabs.GetConversationTokenAsync, t => t.ConversationId, cancellationToken);
        return new SessionWithToken(session, token);
    }

    /// <summary>
    /// Asks ElevenLabs (<paramref name="issue"/>: a signed URL or a token for the agent), then writes the session under
    /// the daily quota, with the ElevenLabs id the answer carried.
    /// </summary>
    private async Task<(Session Session, TIssued Issued)> CreateAsync<TIssued>(Caller caller, NewSession request,
        Func<string, CancellationToken, Task<TIssued>> issue, Func<TIssued, string?> elevenLabsId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agentId = options.CurrentValue.AgentId;
        var created = await quota.CreateAsync(store, caller, async ct =>
        {
            var issued = await issue(agentId, ct);
            return (NewActiveSession(caller, request, agentId, elevenLabsId(issued)), issued);
        }, cancellationToken);
        LogCreated(logger, created.Session.ConversationId, created.Session.AgentId);
        return created;
    }

    /// <summary>
    /// A WebRTC conversation token for an existing, active session. Like a signed URL, it is noted on the session in
    /// one conditional write (only <c>updatedAt</c>: the sweep of idle sessions then sees the session in use).
    /// </summary>
    /// <exception cref="SessionNotFoundException">Unknown id.</exception>
    /// <exception cref="SessionNotActiveException">The session is no longer active, or was closed while the token was issued.</exception>
    public async Task<SessionWithToken> IssueTokenAsync(Caller caller, string conversationId, CancellationToken cancellationToken = default)
    {
        var (session, version) = await ReadActiveAsync(caller, conversationId, cancellationToken);
        var token = await elevenLabs.GetConversationTokenAsync(session.AgentId, cancellationToken);
        session = await RecordElevenLabsIdAsync(session, version, token.ConversationId);
        return new SessionWithToken(session, token);
    }

    /// <summary>The session as stored.</summary>
    /// <exception cref="SessionNotFoundException">Unknown id.</exception>
    public async Task<Session> GetAsync(Caller caller, string conversationId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(caller, conversationId, cancellationToken)).Session;

    /// <summary>A fresh signed URL for an existing, active session.</summary>
    /// <exception cref="SessionNotFoundException">Unknown id.</exception>
    /// <exception cref="SessionNotActiveException">The session was ended (or failed).</exception>
    public async Task<SessionWithUrl> IssueSignedUrlAsync(Caller caller, string conversationId, CancellationToken cancellationToken = default)
    {
        var (session, version) = await ReadActiveAsync(caller, conversationId, cancellationToken);
        var signed = await elevenLabs.GetSignedUrlAsync(session.AgentId, cancellationToken);
        if (signed.ConversationId is not null)
        {
            session = await RecordElevenLabsIdAsync(session, version, signed.ConversationId);
        }

        return new SessionWithUrl(session, signed);
    }

    /// <summary>
    /// Marks the session ended by the client. Ending a closed (ended or expired) session succeeds and changes
    /// nothing: the first <c>endedAt</c> and <c>endedBy</c> stay, also when many clients end it at once (a
    /// conditional update, re-read on conflict).
    /// </summary>
    public async Task<Session> EndAsync(Caller caller, string conversationId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await ReadAsync(caller, conversationId, cancellationToken);
            if (stored.Session.Status is SessionStatus.Ended or SessionStatus.Expired)
            {
                return stored.Session;
            }

            var now = time.GetUtcNowToMicrosecond();
            var changes = new SessionChanges
            {
                Status = SessionStatus.Ended,
                EndedAt = stored.Session.EndedAt ?? now,
                EndedBy = SessionEndedBy.Client,
                UpdatedAt = now,
            };
            try
            {
                await store.UpdateAsync(conversationId, changes, stored.Version, cancellationToken);
                LogEnded(logger, conversationId);
                return stored.Session.Apply(changes);
            }
            catch (SessionConflictException) when (attempt < MaxWriteAttempts)
            {
                // Someone else changed it between our read and write: read again.
            }
        }
    }

    /// <summary>
    /// Erases the caller's own session and everything of it (<see cref="SessionEraser"/>): also one marked
    /// <c>deleting</c> by an earlier attempt, which this one finishes.
    /// </summary>
    /// <exception cref="SessionNotFoundException">Unknown id (erased before), or not the caller's: nothing is deleted.</exception>
    /// <exception cref="SessionErasureException">A dependency failed midway: the session stays <c>deleting</c>.</exception>
    public async Task<SessionErasure> DeleteAsync(Caller caller, string conversationId, CancellationToken cancellationToken = default)
    {
        var stored = await ReadAsync(caller, conversationId, cancellationToken, includeDeleting: true);
        return await eraser.EraseAsync(stored, ErasureSource.Client, cancellationToken);
    }

    /// <summary>A new active session of <paramref name="caller"/>, with ElevenLabs' id when there is one.</summary>
    private Session NewActiveSession(Caller caller, NewSession request, string agentId, string? elevenLabsId)
    {
        var now = time.GetUtcNowToMicrosecond();
        return new Session
        {
            ConversationId = ConversationId.NewId(),
            AgentId = agentId,
            UserId = request.UserId,
            OwnerId = caller.Subject,
            CandidateId = request.CandidateId,
            JobId = request.JobId,
            Metadata = request.Metadata,
            Status = SessionStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
            ElevenLabsConversationId = elevenLabsId,
            ElevenLabsConversationIds = elevenLabsId is null ? [] : [elevenLabsId],
            PendingCallIds = elevenLabsId is null ? [] : [elevenLabsId],
            ReconcileAt = elevenLabsId is null ? null : now,
            ExpireAt = retention.ExpireAt(now),
        };
    }

    /// <summary>
    /// The session, which must be active, and its version, for a fresh URL or token. A session an older writer left
    /// without an agent talks to the configured one.
    /// </summary>
    /// <exception cref="SessionNotActiveException">The session is ended, expired or failed.</exception>
    private async Task<(Session Session, string Version)> ReadActiveAsync(Caller caller, string conversationId, CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(caller, conversationId, cancellationToken);
        var session = stored.Session;
        if (session.Status != SessionStatus.Active)
        {
            throw new SessionNotActiveException(conversationId, session.Status);
        }

        return (string.IsNullOrEmpty(session.AgentId) ? session with { AgentId = options.CurrentValue.AgentId } : session, stored.Version);
    }

    /// <summary>
    /// The one read of a session every action on an existing session goes through. A session the caller may not use (another
    /// user's, or one without an owner while <c>Auth:LegacySessions</c> is Deny) is not found, exactly as an unknown id is:
    /// the answer does not tell that it exists. The caller's own session marked <c>deleting</c> is not found either (its
    /// erasure began), except for <c>delete_session</c> (<paramref name="includeDeleting"/>), which finishes it.
    /// </summary>
    /// <exception cref="SessionNotFoundException">Unknown id, not the caller's, or being deleted.</exception>
    private async Task<StoredSession> ReadAsync(Caller caller, string conversationId, CancellationToken cancellationToken, bool includeDeleting = false)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var stored = await store.GetAsync(conversationId, cancellationToken);
        if (stored is null)
        {
            throw new SessionNotFoundException(conversationId);
        }

        if (!caller.MayUse(stored.Session.OwnerId, auth.CurrentValue.LegacySessions))
        {
            LogNotTheCallers(logger, conversationId);
            throw new SessionNotFoundException(conversationId);
        }

        if (stored.Session.Status == SessionStatus.Deleting && !includeDeleting)
        {
            throw new SessionNotFoundException(conversationId, deleting: true);
        }

        return stored;
    }

    /// <summary>
    /// Notes an issued URL (ElevenLabs' id) or token (<paramref name="elevenLabsId"/> null: only <c>updatedAt</c>) on
    /// the session, only if the session is still as read. When it changed meanwhile, reads
    /// it again: ended (or otherwise closed) meanwhile, the URL is not handed out and the session is left as its
    /// ender wrote it; still active (another re-issue), the id is noted on the new version.
    /// </summary>
    /// <exception cref="SessionNotActiveException">The session was closed while ElevenLabs was asked.</exception>
    private async Task<Session> RecordElevenLabsIdAsync(Session session, string version, string? elevenLabsId)
    {
        var conversationId = session.ConversationId;
        for (var attempt = 1; ; attempt++)
        {
            var changes = elevenLabsId is null
                ? new SessionChanges { UpdatedAt = time.GetUtcNowToMicrosecond() }
                : session.LinkElevenLabsConversation(elevenLabsId, time.GetUtcNowToMicrosecond());
            try
            {
                await store.UpdateAsync(conversationId, changes, version, CancellationToken.None);
                return session.Apply(changes);
            }
            catch (SessionConflictException) when (attempt < MaxWriteAttempts)
            {
                var current = await store.GetAsync(conversationId, CancellationToken.None) ?? throw new SessionNotFoundException(conversationId);
                if (current.Session.Status == SessionStatus.Deleting)
                {
                    LogClosedMeanwhile(logger, conversationId, current.Session.Status);
                    throw new SessionNotFoundException(conversationId, deleting: true);
                }

                if (current.Session.Status != SessionStatus.Active)
                {
                    LogClosedMeanwhile(logger, conversationId, current.Session.Status);
                    throw new SessionNotActiveException(conversationId, current.Session.Status);
                }

                (session, version) = (current.Session with { AgentId = session.AgentId }, current.Version);
            }
            catch (Exception ex) when (ex is SessionStoreException or SessionNotFoundException or SessionConflictException)
            {
                // The session and its URL are good; only the cross-reference is missing.
                LogRecordIdFailed(logger, ex, conversationId);
                return session;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created session {ConversationId} for agent {AgentId}")]
    private static partial void LogCreated(ILogger logger, string conversationId, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId} is not the caller's: answered as not found")]
    private static partial void LogNotTheCallers(ILogger logger, string conversationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended session {ConversationId}")]
    private static partial void LogEnded(ILogger logger, string conversationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId} became {Status} while its signed URL or token was issued: it is dropped")]
    private static partial void LogClosedMeanwhile(ILogger logger, string conversationId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: ElevenLabs' conversation id could not be recorded")]
    private static partial void LogRecordIdFailed(ILogger logger, Exception exception, string conversationId);
}
