using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Api;

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
