using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Calls;

/// <summary>
/// The use case "record a call", the one way a call is stored whoever hands it over: the webhook (an event's
/// <c>data</c>) or the reconcile pass (ElevenLabs' REST answer, the same shape). Links the call to its session, stores
/// the call's document and updates the session (<c>lastCall</c>, the pending calls; an active session ends, by the
/// webhook or the sweeper) in one atomic write. A delivery for a stored call replaces it, with the session's
/// <c>lastCall</c>, only when its <c>event_timestamp</c> is later (a call the reconcile pass stored has none: any event
/// is later); an older or equal one changes nothing. Every write is conditional on the versions read, re-decided on
/// conflict, so a webhook and the reconcile pass arriving at once leave the same documents as either alone. A call of a
/// session marked <c>deleting</c> is not stored at all.
/// </summary>
public sealed partial class CallRecorder(ISessionStore store, SessionRetention retention, TimeProvider time, ILogger<CallRecorder> logger)
{
    private const int MaxUpdateAttempts = 8;

    public async Task<CallOutcome> RecordAsync(CallRecord call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (stored, matchedBy) = await MatchAsync(call, cancellationToken);
        if (stored is null)
        {
            var firstUnmatched = await store.CreateCallAsync(call with { ExpireAt = retention.ExpireAt(call.ReceivedAt) }, cancellationToken);
            LogUnmatched(logger, call.ElevenLabsConversationId, call.SessionIdHint);
            return new CallOutcome(null, null, firstUnmatched);
        }

        var conversationId = stored.Session.ConversationId;
        // The session's expiry, fixed at its creation: its calls never outlive or predate it.
        call = call with { ConversationId = conversationId, MatchedBy = matchedBy, ExpireAt = stored.Session.ExpireAt };
        for (var attempt = 1; ; attempt++)
        {
            if (stored.Session.Status == SessionStatus.Deleting)
            {
                // Its erasure was asked for: nothing of it is stored again, not even with the unmatched calls.
                LogDropped(logger, call.ElevenLabsConversationId, conversationId, call.Source);
                return new CallOutcome(null, null, FirstDelivery: false);
            }

            var existing = await store.GetCallAsync(conversationId, call.ElevenLabsConversationId, withTranscript: false, cancellationToken);
            var replaces = existing is not null && IsLater(call.EventTimestamp, existing.Call.EventTimestamp);
            try
            {
                if (existing is not null && !replaces)
                {
                    // Stored already, as late: at most the session still lists it as pending (written before it was,
                    // or kept for its recording).
                    if (!call.AwaitsRecording && PendingCleared(stored.Session) is { } cleared)
                    {
                        await store.UpdateAsync(conversationId, cleared, stored.Version, cancellationToken);
                    }

                    LogKept(logger, call.ElevenLabsConversationId, conversationId, call.Source);
                    return new CallOutcome(conversationId, matchedBy, FirstDelivery: false);
                }

                await store.RecordCallAsync(call, existing, stored.Version, Changes(stored.Session, call), cancellationToken);
                LogRecorded(logger, call.ElevenLabsConversationId, conversationId, matchedBy!, call.Source, replaces);
                return new CallOutcome(conversationId, matchedBy, FirstDelivery: existing is null, Replaced: replaces);
            }
            catch (SessionConflictException) when (attempt < MaxUpdateAttempts)
            {
                // Another delivery, a client or the sweep wrote meanwhile: decide again on what is there now.
                stored = await store.GetAsync(conversationId, cancellationToken) ?? throw new SessionNotFoundException(conversationId);
            }
        }

        SessionChanges? PendingCleared(Session session) =>
            session.PendingCallIds.Contains(call.ElevenLabsConversationId, StringComparer.Ordinal)
                ? Pending(session, call.ElevenLabsConversationId, new SessionChanges { UpdatedAt = time.GetUtcNowToMicrosecond() })
                : null;
    }

    /// <summary>A stored call without an event time (the reconcile pass's) is replaced by any event; else only a strictly later one wins.</summary>
    private static bool IsLater(DateTimeOffset? delivered, DateTimeOffset? stored) =>
        delivered is { } d && (stored is not { } s || d > s);

    /// <summary><paramref name="changes"/> with the call taken off the session's pending calls (and <c>reconcileAt</c> cleared when none is left).</summary>
    private static SessionChanges Pending(Session session, string elevenLabsId, SessionChanges changes)
    {
        IReadOnlyList<string> pending = [.. session.PendingCallIds.Where(id => id != elevenLabsId)];
        return changes with { PendingCallIds = pending, ReconcileAt = pending.Count > 0 ? session.ReconcileAt ?? changes.UpdatedAt : null };
    }

    /// <summary>
    /// By ElevenLabs' id among the sessions' ids; else by the <c>session_id</c> the client passed on, which is trusted
    /// only for a session that exists (and the first lookup has shown the call's id is linked to no other session).
    /// </summary>
    private Task<(StoredSession? Session, string? MatchedBy)> MatchAsync(CallRecord call, CancellationToken cancellationToken) =>
        FindSessionAsync(call.ElevenLabsConversationId, call.SessionIdHint, cancellationToken);

    /// <summary>The session an ElevenLabs call belongs to, as a call is matched (also for its recording), and how.</summary>
    public async Task<(StoredSession? Session, string? MatchedBy)> FindSessionAsync(string elevenLabsConversationId, string? sessionIdHint,
        CancellationToken cancellationToken = default)
    {
        var byId = await store.FindByElevenLabsConversationIdAsync(elevenLabsConversationId, cancellationToken);
        if (byId is not null)
        {
            return (byId, CallMatch.ElevenLabsConversationId);
        }

        if (sessionIdHint is { } hint && ConversationId.IsValid(hint) && await store.GetAsync(hint, cancellationToken) is { } bySessionId)
        {
            return (bySessionId, CallMatch.SessionId);
        }

        return (null, null);
    }

    /// <summary>
    /// What the call changes on the session, or null when nothing: the call's id joins the list if it is not in it and
    /// leaves the pending calls (unless its recording is awaited: then it is, or stays, pending); <c>lastCall</c> becomes
    /// this call unless the session already reports a later one; an active session ends (<c>endedBy</c> webhook, or
    /// sweeper for the reconcile pass), keeping an <c>endedAt</c> it may have.
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
        var pending = session.PendingCallIds.Contains(call.ElevenLabsConversationId, StringComparer.Ordinal);
        var clearsPending = pending && !call.AwaitsRecording;
        if (linked && lastCall is null && !ends && !clearsPending)
        {
            return null;
        }

        var now = time.GetUtcNowToMicrosecond();
        var link = linked ? null : session.LinkElevenLabsConversation(call.ElevenLabsConversationId, now);
        var changes = new SessionChanges
        {
            UpdatedAt = now,
            ElevenLabsConversationId = link?.ElevenLabsConversationId,
            ElevenLabsConversationIds = link?.ElevenLabsConversationIds,
            LastCall = lastCall,
            Status = ends ? SessionStatus.Ended : null,
            EndedAt = ends ? session.EndedAt ?? now : null,
            EndedBy = ends ? (call.Source == CallSource.Reconcile ? SessionEndedBy.Sweeper : SessionEndedBy.Webhook) : null,
        };
        if (call.AwaitsRecording)
        {
            // Pending for its recording: a newly linked id joins the pending calls with the link, a listed one stays.
            return link is null ? changes : changes with { PendingCallIds = link.PendingCallIds, ReconcileAt = link.ReconcileAt };
        }

        return pending || link is not null ? Pending(session, call.ElevenLabsConversationId, changes) : changes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ElevenLabs call {ElevenLabsConversationId} recorded for session {ConversationId} (matched by {MatchedBy}, from the {Source}; replaced an earlier delivery: {Replaced})")]
    private static partial void LogRecorded(ILogger logger, string elevenLabsConversationId, string conversationId, string matchedBy, string source, bool replaced);

    [LoggerMessage(Level = LogLevel.Information, Message = "ElevenLabs call {ElevenLabsConversationId} of session {ConversationId} was stored already, as late as this delivery from the {Source}: kept")]
    private static partial void LogKept(ILogger logger, string elevenLabsConversationId, string conversationId, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "ElevenLabs call {ElevenLabsConversationId} from the {Source} belongs to session {ConversationId}, which is being deleted: not stored")]
    private static partial void LogDropped(ILogger logger, string elevenLabsConversationId, string conversationId, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ElevenLabs call {ElevenLabsConversationId} matches no session (session_id given: {SessionIdHint}): kept in elevenlabs-unmatched-calls")]
    private static partial void LogUnmatched(ILogger logger, string elevenLabsConversationId, string? sessionIdHint);
}

/// <summary>
/// What recording a call did: the session it belongs to (null: kept with the unmatched calls), whether this delivery
/// stored the call first, and whether it replaced a stored one (a later <c>event_timestamp</c>).
/// </summary>
public sealed record CallOutcome(string? ConversationId, string? MatchedBy, bool FirstDelivery, bool Replaced = false);
