namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>What <c>GET /v1/convai/conversations/{id}</c> says of one conversation (its transcript left out).</summary>
public sealed record ElevenLabsConversation
{
    public required string ConversationId { get; init; }

    /// <summary><c>initiated</c>, <c>in-progress</c>, <c>processing</c>, <c>done</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary><c>metadata.call_duration_secs</c>.</summary>
    public long? CallDurationSecs { get; init; }

    /// <summary><c>analysis.call_successful</c>: <c>success</c>, <c>failure</c> or <c>unknown</c>.</summary>
    public string? CallSuccessful { get; init; }

    /// <summary><c>analysis.transcript_summary</c>.</summary>
    public string? TranscriptSummary { get; init; }

    /// <summary><c>metadata.termination_reason</c>.</summary>
    public string? TerminationReason { get; init; }

    /// <summary><c>metadata.start_time_unix_secs</c>.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The call is over and ElevenLabs has finished with it: <c>done</c> or <c>failed</c>.</summary>
    public bool IsFinished => Status is "done" or "failed";

    /// <summary>The call is starting, running, or being analysed: <c>initiated</c>, <c>in-progress</c>, <c>processing</c>.</summary>
    public bool IsRunning => Status is "initiated" or "in-progress" or "processing";
}
