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
