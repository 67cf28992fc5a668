namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// What a session keeps of its latest ElevenLabs call (the <c>lastCall</c> field): from the post-call webhook or
/// from ElevenLabs' conversation API. The transcript itself lives in the call's own document.
/// </summary>
public sealed record CallSummary
{
    public required string ElevenLabsConversationId { get; init; }

    /// <summary>ElevenLabs' status: <c>initiated</c>, <c>in-progress</c>, <c>processing</c>, <c>done</c>, <c>failed</c>.</summary>
    public string? Status { get; init; }

    public long? CallDurationSecs { get; init; }

    /// <summary>ElevenLabs' analysis: <c>success</c>, <c>failure</c> or <c>unknown</c>.</summary>
    public string? CallSuccessful { get; init; }

    public string? TranscriptSummary { get; init; }
    public string? TerminationReason { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
}
