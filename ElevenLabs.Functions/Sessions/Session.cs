using System.Text.Json;

namespace ElevenLabs.Functions.Sessions;

/// <summary>One conversation session: the document stored under its <see cref="ConversationId"/>.</summary>
public sealed record Session
{
    public required string ConversationId { get; init; }
    public required string AgentId { get; init; }
    public string? UserId { get; init; }
    public string? CandidateId { get; init; }
    public string? JobId { get; init; }

    /// <summary>The client's metadata object, kept exactly as sent (any JSON inside).</summary>
    public required JsonElement Metadata { get; init; }

    public required string Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>ElevenLabs' own conversation id, when the signed URL carried one.</summary>
    public string? ElevenLabsConversationId { get; init; }

    /// <summary>Why a session became <see cref="SessionStatus.Failed"/>.</summary>
    public string? FailureCode { get; init; }

    public Session Apply(SessionChanges changes) => this with
    {
        Status = changes.Status ?? Status,
        UpdatedAt = changes.UpdatedAt,
        EndedAt = changes.EndedAt ?? EndedAt,
        ElevenLabsConversationId = changes.ElevenLabsConversationId ?? ElevenLabsConversationId,
        FailureCode = changes.FailureCode ?? FailureCode,
    };
}
