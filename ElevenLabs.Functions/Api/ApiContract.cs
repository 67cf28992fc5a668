using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Api;

/// <summary>GET: the health answer.</summary>
public sealed record HealthResponse(bool Success, string Status, string Service, string Version, DateTime Timestamp);

/// <summary>create_session and get_signed_url: the session and the URL to connect with.</summary>
public sealed record SessionUrlResponse(bool Success, string ConversationId, string SignedUrl, SessionData Data);

/// <summary>end_session.</summary>
public sealed record SessionEndedResponse(bool Success, string ConversationId, SessionData Data);

/// <summary>The <c>data</c> object of a success answer.</summary>
public sealed record SessionData(
    string ConversationId,
    string AgentId,
    string Status,
    DateTime CreatedAt,
    DateTime? EndedAt = null);

/// <summary>Every failure: <c>success</c> false and a human-readable <c>error</c>; the rest is extra.</summary>
public sealed record ErrorResponse(bool Success, string Error, string Code, string? Detail, string RequestId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(SessionUrlResponse))]
[JsonSerializable(typeof(SessionEndedResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
