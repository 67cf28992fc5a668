using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>The answer of <c>GET /v1/convai/conversation/get-signed-url</c>.</summary>
internal sealed record SignedUrlResponse(
    [property: JsonPropertyName("signed_url")] string? SignedUrl,
    [property: JsonPropertyName("conversation_id")] string? ConversationId);

/// <summary>The answer of <c>GET /v1/convai/conversation/token</c>.</summary>
internal sealed record ConversationTokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("conversation_id")] string? ConversationId);

/// <summary>ElevenLabs' error body: <c>detail</c> is an object, a string or a 422 list.</summary>
internal sealed record ElevenLabsErrorBody([property: JsonPropertyName("detail")] JsonElement Detail);

[JsonSerializable(typeof(SignedUrlResponse))]
[JsonSerializable(typeof(ConversationTokenResponse))]
[JsonSerializable(typeof(ElevenLabsErrorBody))]
internal sealed partial class ElevenLabsJsonContext : JsonSerializerContext;
