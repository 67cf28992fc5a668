using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// The use case "record a call": links a finished ElevenLabs call to its session, stores it, and updates the session
/// (<c>lastCall</c>; an active session becomes ended by the webhook). Every write is idempotent: the documents are
/// named by ElevenLabs' ids, a stored call is never written over, and the session is updated conditionally and only
/// when something changes, so a delivery repeated leaves the same documents.
/// </summary>
public sealed partial class CallRecorder(ISessionStore store, TimeProvider time, ILogger<CallRecorder> logger)
{
    private const int MaxUpdateAttempts = 8;

    public async Task<CallOutcome> RecordAsync(CallRecord call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (stored, matchedBy) = await MatchAsync(call, cancellationToken);
        if (stored is null)
        {
            var firstUnmatched = await store.CreateCallAsync(call, cancellationToken);
            LogUnmatched(logger, call.ElevenLabsConversationId, call.SessionIdHint);
            return new CallOutcome(null, null, firstUnmatched);
        }

        var conversationId = stored.Session.ConversationId;
        var first = await store.CreateCallAsync(call with { ConversationId = conversationId, MatchedBy = matchedBy }, cancellationToken);
        await UpdateSessionAsync(stored, call, cancellationToken);
        LogRecorded(logger, call.ElevenLabsConversationId, conversationId, matchedBy!, first);
        return new CallOutcome(conversationId, matchedBy, first);
    }

    /// <summary>
    /// By ElevenLabs' id among the sessions' ids; else by the <c>session_id</c> the client passed on, which is trusted
    /// only for a session that exists (and the first lookup has shown the call's id is linked to no other session).
    /// </summary>
    private async Task<(StoredSession? Session, string? MatchedBy)> MatchAsync(CallRecord call, CancellationToken cancellationToken)
    {
        var byId = await store.FindByElevenLabsConversationIdAsync(call.ElevenLabsConversationId, cancellationToken);
        if (byId is not null)
        {
            return (byId, CallMatch.ElevenLabsConversationId);
        }

        if (call.SessionIdHint is { } hint && await store.GetAsync(hint, cancellationToken) is { } bySessionId)
        {
            return (bySessionId, CallMatch.SessionId);
        }

        return (null, null);
    }

    private async Task UpdateSessionAsync(StoredSession stored, CallRecord call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var changes = Changes(stored.Session, call);
            if (changes is null)
            {
                return; // already as this call leaves it: a repeated delivery
            }

            try
            {
                await store.UpdateAsync(stored.Session.ConversationId, changes, stored.Version, cancellationToken);
                return;
            }
            catch (SessionConflictException) when (attempt < MaxUpdateAttempts)
            {
                // A client, the sweep or another delivery wrote meanwhile: decide again on what is there now.
                stored = await store.GetAsync(stored.Session.ConversationId, cancellationToken)
                    ?? throw new SessionNotFoundException(stored.Session.ConversationId);
            }
        }
    }

    /// <summary>
    /// What the call changes on the session, or null when nothing: the call's id joins the list if it is not in it;
    /// <c>lastCall</c> becomes this call unless the session already reports a later one; an active session ends,
    /// <c>endedBy</c> webhook, keeping an <c>endedAt</c> it may have.
    /// </summary>
    private SessionChanges? Changes(Session session, CallRecord call)
    {
        var linked = session.ElevenLabsConversationIds.Contains(call.ElevenLabsConversationId, StringComparer.Ordinal)
            || session.ElevenLabsConversationId == call.ElevenLabsConversationId;
        var newer = session.LastCall is not { } last
            || last.ElevenLabsConversationId == call.ElevenLabsConversationId
            || last.StartedAt is null
            || (call.Summary.StartedAt is { } started && started >= last.StartedAt);
        var lastCall = newer && session.LastCall != call.Summary ? call.Summary : null;
        var ends = session.Status == SessionStatus.Active;
        if (linked && lastCall is null && !ends)
        {
            return null;
        }

        var now = time.GetUtcNowToMicrosecond();
        var link = linked ? null : session.LinkElevenLabsConversation(call.ElevenLabsConversationId, now);
        return new SessionChanges
        {
            UpdatedAt = now,
            ElevenLabsConversationId = link?.ElevenLabsConversationId,
            ElevenLabsConversationIds = link?.ElevenLabsConversationIds,
            LastCall = lastCall,
            Status = ends ? SessionStatus.Ended : null,
            EndedAt = ends ? session.EndedAt ?? now : null,
            EndedBy = ends ? SessionEndedBy.Webhook : null,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ElevenLabs call {ElevenLabsConversationId} recorded for session {ConversationId} (matched by {MatchedBy}; first delivery: {FirstDelivery})")]
    private static partial void LogRecorded(ILogger logger, string elevenLabsConversationId, string conversationId, string matchedBy, bool firstDelivery);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ElevenLabs call {ElevenLabsConversationId} matches no session (session_id given: {SessionIdHint}): kept in elevenlabs-unmatched-calls")]
    private static partial void LogUnmatched(ILogger logger, string elevenLabsConversationId, string? sessionIdHint);
}
