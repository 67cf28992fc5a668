namespace ElevenLabs.Functions.Sessions;

/// <summary>The fields an update writes; null fields are left as they are.</summary>
public sealed record SessionChanges
{
    public required DateTimeOffset UpdatedAt { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? ElevenLabsConversationId { get; init; }
    public string? FailureCode { get; init; }
}
