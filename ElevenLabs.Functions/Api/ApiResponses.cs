using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Api;

/// <summary>Every failure: <c>success</c> false and a human-readable <c>error</c>; the rest is extra.</summary>
public sealed record ErrorResponse(bool Success, string Error, string Code, string? Detail, string RequestId);

/// <summary>GET: the health answer.</summary>
public sealed record HealthResponse(bool Success, string Status, string Service, string Version, DateTime Timestamp);

/// <summary>create_session and get_signed_url: the session, the URL to connect with and what to pass to <c>startSession</c>.</summary>
public sealed record SessionUrlResponse(bool Success, string ConversationId, string SignedUrl, SessionData Data, ConversationInitiation ConversationInitiation);

/// <summary>get_conversation_token: the session, the WebRTC token to connect with and what to pass to <c>startSession</c>.</summary>
public sealed record SessionTokenResponse(
    bool Success, string ConversationId, string ConversationToken, SessionData Data, ConversationInitiation ConversationInitiation);

/// <summary>end_session.</summary>
public sealed record SessionEndedResponse(bool Success, string ConversationId, SessionData Data);

/// <summary>get_session.</summary>
public sealed record SessionDetailsResponse(bool Success, string ConversationId, SessionDetails Data);

/// <summary>An authentic webhook event was taken: its type, and whether a session was found for a call.</summary>
public sealed record WebhookAcknowledged(bool Success, string Type, bool Matched);

/// <summary>The <c>data</c> object of a success answer.</summary>
public sealed record SessionData(
    string ConversationId,
    string AgentId,
    string Status,
    DateTime CreatedAt,
    DateTime? EndedAt = null);

/// <summary>get_session's <c>data</c>: the session's state and its calls' ids and outcome, never the transcript.</summary>
public sealed record SessionDetails(
    string ConversationId,
    string AgentId,
    string Status,
    DateTime CreatedAt,
    DateTime? EndedAt,
    string? EndedBy,
    IReadOnlyList<string> ElevenLabsConversationIds,
    LastCallData? LastCall);

/// <summary>The session's latest call as ElevenLabs reported it.</summary>
public sealed record LastCallData(
    string ElevenLabsConversationId,
    string? Status,
    long? CallDurationSecs,
    string? CallSuccessful,
    string? TranscriptSummary,
    string? TerminationReason,
    DateTime? StartedAt);

/// <summary>
/// What the client hands to the ElevenLabs SDK's <c>startSession</c> (<c>dynamicVariables</c>): ElevenLabs echoes it in
/// the post-call webhook, which links a call whose id the server never saw (WebRTC) to its session.
/// </summary>
public sealed record ConversationInitiation(DynamicVariables DynamicVariables)
{
    public static ConversationInitiation For(string conversationId) => new(new DynamicVariables(conversationId));
}

/// <summary>The agent's dynamic variables: <c>session_id</c>, our conversation id.</summary>
public sealed record DynamicVariables([property: JsonPropertyName("session_id")] string SessionId);

/// <summary>get_results: the session's stored calls, a page at a time (<see cref="SessionResults.NextCursor"/>).</summary>
public sealed record SessionResultsResponse(bool Success, string ConversationId, SessionResults Data);

/// <param name="NextCursor">The <c>callCursor</c> of the next page; null on the last.</param>
public sealed record SessionResults(string ConversationId, string Status, IReadOnlyList<CallResultData> Calls, string? NextCursor);

/// <summary>One call: what ElevenLabs reported of it, its transcript in order, its analysis, and whether its recording is stored.</summary>
public sealed record CallResultData(
    string ElevenLabsConversationId,
    string? Status,
    string Source,
    DateTime? StartedAt,
    long? CallDurationSecs,
    string? TerminationReason,
    IReadOnlyList<TranscriptTurnData> Transcript,
    CallAnalysisData Analysis,
    bool? RecordingAvailable);

public sealed record TranscriptTurnData(string? Role, string? Message, long? TimeInCallSecs);

/// <summary>ElevenLabs' analysis; the two result maps keyed by criterion and data collection id, as ElevenLabs keys them.</summary>
public sealed record CallAnalysisData(
    string? CallSuccessful,
    string? TranscriptSummary,
    IReadOnlyDictionary<string, EvaluationCriterionData> EvaluationCriteriaResults,
    IReadOnlyDictionary<string, DataCollectionData> DataCollectionResults);

public sealed record EvaluationCriterionData(string CriteriaId, string? Result, string? Rationale);

/// <param name="Value">The value collected, as ElevenLabs gave it (any JSON; null when none).</param>
public sealed record DataCollectionData(string DataCollectionId, JsonElement Value, string? Rationale);

/// <summary>get_recording.</summary>
public sealed record RecordingLinkResponse(bool Success, string ConversationId, RecordingLinkData Data);

/// <param name="Url">A read-only link a browser's <c>&lt;audio&gt;</c> plays until <paramref name="ExpiresAt"/> (a credential: never logged).</param>
public sealed record RecordingLinkData(string ElevenLabsConversationId, string Url, DateTime ExpiresAt, string ContentType);

/// <summary>delete_session: the session is gone, and what this request removed.</summary>
public sealed record SessionDeletedResponse(bool Success, string ConversationId, SessionDeletedData Data);

/// <param name="Status">Always <c>deleted</c>.</param>
public sealed record SessionDeletedData(string ConversationId, string Status, ErasedCounts Removed);

/// <summary>How many of each were deleted by this request (a retry that finishes an earlier one counts what was left).</summary>
public sealed record ErasedCounts(int ElevenLabsConversations, int Recordings, int Calls, int TranscriptParts);

/// <summary>The contract's JSON, source-generated: the answers of both routes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(SessionUrlResponse))]
[JsonSerializable(typeof(SessionTokenResponse))]
[JsonSerializable(typeof(SessionEndedResponse))]
[JsonSerializable(typeof(SessionDetailsResponse))]
[JsonSerializable(typeof(SessionResultsResponse))]
[JsonSerializable(typeof(RecordingLinkResponse))]
[JsonSerializable(typeof(SessionDeletedResponse))]
[JsonSerializable(typeof(WebhookAcknowledged))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
