using System.Text.Json;
using ElevenLabs.Functions.Store;

namespace ElevenLabs.Functions.Sessions;

/// <summary>One conversation session: the document stored under its <see cref="ConversationId"/>.</summary>
public sealed record Session
{
    public required string ConversationId { get; init; }
    public required string AgentId { get; init; }
    public string? UserId { get; init; }

    /// <summary>The signed-in user who created it (the token's <c>sub</c>); null when auth was off.</summary>
    public string? OwnerId { get; init; }
    public string? CandidateId { get; init; }
    public string? JobId { get; init; }

    /// <summary>The client's metadata object, kept exactly as sent (any JSON inside).</summary>
    public required JsonElement Metadata { get; init; }

    public required string Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the session first stopped being active; never overwritten once set.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Who ended it: <see cref="SessionEndedBy"/>.</summary>
    public string? EndedBy { get; init; }

    /// <summary>ElevenLabs' latest conversation id for this session (kept for older readers).</summary>
    public string? ElevenLabsConversationId { get; init; }

    /// <summary>Every ElevenLabs conversation id issued for this session, oldest first, each once.</summary>
    public IReadOnlyList<string> ElevenLabsConversationIds { get; init; } = [];

    /// <summary>
    /// ElevenLabs ids issued for this session whose call is not stored yet: the reconcile pass asks ElevenLabs about
    /// them until each is recorded (by the webhook or by itself) or given up on.
    /// </summary>
    public IReadOnlyList<string> PendingCallIds { get; init; } = [];

    /// <summary>When the reconcile pass looks at the session next; null when no call is pending.</summary>
    public DateTimeOffset? ReconcileAt { get; init; }

    /// <summary>The latest call's outcome, once ElevenLabs reported it.</summary>
    public CallSummary? LastCall { get; init; }

    /// <summary>
    /// When the session and everything stored for it expire (<c>Sessions:RetentionDays</c> after its creation, set once
    /// when it is created: <see cref="SessionRetention"/>); null: kept until erased. Updates never change it.
    /// </summary>
    public DateTimeOffset? ExpireAt { get; init; }

    public Session Apply(SessionChanges changes) => this with
    {
        Status = changes.Status ?? Status,
        UpdatedAt = changes.UpdatedAt,
        EndedAt = changes.EndedAt ?? EndedAt,
        EndedBy = changes.EndedBy ?? EndedBy,
        ElevenLabsConversationId = changes.ElevenLabsConversationId ?? ElevenLabsConversationId,
        ElevenLabsConversationIds = changes.ElevenLabsConversationIds ?? ElevenLabsConversationIds,
        LastCall = changes.LastCall ?? LastCall,
        PendingCallIds = changes.PendingCallIds ?? PendingCallIds,
        ReconcileAt = changes.PendingCallIds is null ? ReconcileAt : changes.ReconcileAt,
    };

    /// <summary>
    /// Whether this stored session is the one <paramref name="written"/> created: the fields only a create writes are all
    /// equal, down to <c>createdAt</c>'s microsecond and ElevenLabs' conversation id of this very signed URL, which no
    /// other writer shares. Later updates (status, updatedAt, ids appended) do not matter.
    /// </summary>
    public bool IsCreatedFrom(Session written)
    {
        ArgumentNullException.ThrowIfNull(written);
        return ConversationId == written.ConversationId
            && CreatedAt == written.CreatedAt
            && AgentId == written.AgentId
            && UserId == written.UserId
            && OwnerId == written.OwnerId
            && CandidateId == written.CandidateId
            && JobId == written.JobId
            && ElevenLabsConversationIds.Take(written.ElevenLabsConversationIds.Count).SequenceEqual(written.ElevenLabsConversationIds, StringComparer.Ordinal)
            && JsonElement.DeepEquals(Metadata, written.Metadata);
    }

    /// <summary>
    /// The changes that link ElevenLabs' <paramref name="elevenLabsId"/> to this session: it becomes the latest id and
    /// is appended to the list unless already in it, and to the pending calls (the reconcile pass looks for it from
    /// now on). Written conditionally on the version read, the whole new lists are exact.
    /// </summary>
    public SessionChanges LinkElevenLabsConversation(string elevenLabsId, DateTimeOffset now) => new()
    {
        UpdatedAt = now,
        ElevenLabsConversationId = elevenLabsId,
        ElevenLabsConversationIds = ElevenLabsConversationIds.Contains(elevenLabsId, StringComparer.Ordinal)
            ? ElevenLabsConversationIds
            : [.. ElevenLabsConversationIds, elevenLabsId],
        PendingCallIds = PendingCallIds.Contains(elevenLabsId, StringComparer.Ordinal) ? PendingCallIds : [.. PendingCallIds, elevenLabsId],
        ReconcileAt = ReconcileAt ?? now,
    };
}

/// <summary>The status values a session document carries: the Cloud Function's three, <c>expired</c> and <c>deleting</c>.</summary>
public static class SessionStatus
{
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Failed = "failed";

    /// <summary>Idle too long with no finished call: closed by the sweep.</summary>
    public const string Expired = "expired";

    /// <summary>
    /// Its erasure was asked for (<c>delete_session</c>, or retention) and is not finished: no longer usable, answered as
    /// not found; a retry of <c>delete_session</c> or the next sweep finishes it.
    /// </summary>
    public const string Deleting = "deleting";
}

/// <summary>Who ended a session: the <c>endedBy</c> field.</summary>
public static class SessionEndedBy
{
    /// <summary>The client's <c>end_session</c>.</summary>
    public const string Client = "client";

    /// <summary>ElevenLabs' post-call webhook reported the call finished.</summary>
    public const string Webhook = "webhook";

    /// <summary>The sweep of idle sessions found the call finished.</summary>
    public const string Sweeper = "sweeper";
}
