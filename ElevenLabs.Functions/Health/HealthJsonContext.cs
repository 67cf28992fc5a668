using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Health;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReadinessResponse))]
public sealed partial class HealthJsonContext : JsonSerializerContext;
