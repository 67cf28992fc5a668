using System.Text.Json;
using ElevenLabs.Functions.Calls;

namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// One finished ElevenLabs call as its post-call event reported it: what is stored under
/// <c>conversation-sessions/{id}/calls/{elevenLabsConversationId}</c> (or with the unmatched calls).
/// ElevenLabs' own objects (<see cref="Metadata"/>, <see cref="Analysis"/>, <see cref="InitiationData"/>) are kept as sent.
/// </summary>
public sealed record CallRecord
{
    public required string ElevenLabsConversationId { get; init; }

    /// <summary>Who handed it over: <see cref="CallSource"/>.</summary>
    public string Source { get; init; } = CallSource.Webhook;
    public string? AgentId { get; init; }
    public string? Status { get; init; }
    public string? UserId { get; init; }

    /// <summary>When ElevenLabs sent the event (<c>event_timestamp</c>); none for a call the reconcile pass fetched, which any event replaces.</summary>
    public DateTimeOffset? EventTimestamp { get; init; }

    /// <summary>When this app first received it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    public required IReadOnlyList<TranscriptTurn> Transcript { get; init; }

    /// <summary><c>data.metadata</c>: start time, duration, termination reason, cost, ...</summary>
    public JsonElement Metadata { get; init; }

    /// <summary><c>data.analysis</c>: <c>call_successful</c>, <c>transcript_summary</c>, evaluation and data collection results.</summary>
    public JsonElement Analysis { get; init; }

    /// <summary><c>data.conversation_initiation_client_data</c>: what the client passed to <c>startSession</c>.</summary>
    public JsonElement InitiationData { get; init; }

    /// <summary><c>dynamic_variables.session_id</c>: the session the client said the call belongs to (client-controlled).</summary>
    public string? SessionIdHint { get; init; }

    /// <summary>The session it was linked to (null: unmatched) and how: <see cref="CallMatch"/>.</summary>
    public string? ConversationId { get; init; }

    public string? MatchedBy { get; init; }

    /// <summary><c>has_audio</c>: ElevenLabs holds the call's recording.</summary>
    public bool HasAudio { get; init; }

    /// <summary>
    /// The call's recording is still to be stored: its id stays in the session's pending calls when the call is
    /// recorded, so the reconcile pass's next run copies the recording from ElevenLabs (when the audio event has not
    /// stored it meanwhile) and only then takes the id off.
    /// </summary>
    public bool AwaitsRecording { get; init; }

    /// <summary>When the call's documents expire: its session's <see cref="Session.ExpireAt"/>, or for an unmatched call <see cref="SessionRetention"/> from its arrival; null: kept.</summary>
    public DateTimeOffset? ExpireAt { get; init; }

    /// <summary>What the session keeps as its <c>lastCall</c>.</summary>
    public required CallSummary Summary { get; init; }
}

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

/// <summary>One turn of a call's transcript, in ElevenLabs' terms (<c>role</c> is <c>agent</c> or <c>user</c>).</summary>
public sealed record TranscriptTurn(string? Role, string? Message, long? TimeInCallSecs);

/// <summary>How a call was linked to its session: the <c>matchedBy</c> field of a stored call.</summary>
public static class CallMatch
{
    /// <summary>Its ElevenLabs id was one the session already had (issued with a signed URL).</summary>
    public const string ElevenLabsConversationId = "elevenLabsConversationId";

    /// <summary>Through the <c>session_id</c> dynamic variable the client passed on (a WebRTC call, say).</summary>
    public const string SessionId = "sessionId";
}

/// <summary>Who handed a call to <see cref="CallRecorder"/> (the call document's <c>source</c>).</summary>
public static class CallSource
{
    /// <summary>ElevenLabs' post-call webhook.</summary>
    public const string Webhook = "webhook";

    /// <summary>The reconcile pass of the sweep, from <c>GET /v1/convai/conversations/{id}</c>: the webhook never came.</summary>
    public const string Reconcile = "reconcile";
}
