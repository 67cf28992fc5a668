namespace ElevenLabs.Functions.Sessions;

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
