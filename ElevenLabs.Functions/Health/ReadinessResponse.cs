using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Health;

/// <summary>The readiness answer: <c>ready</c> (200) or <c>not_ready</c> (503), with every check by name.</summary>
public sealed record ReadinessResponse(bool Success, string Status, IReadOnlyDictionary<string, ReadinessCheckResult> Checks)
{
    public const string Ready = "ready";
    public const string NotReady = "not_ready";

    [JsonIgnore]
    public bool IsReady => Status == Ready;
}

/// <summary>One check of the readiness answer: <c>healthy</c> or <c>unhealthy</c>, how long it took, and a failure's code.</summary>
public sealed record ReadinessCheckResult(string Status, long DurationMs, string? Code = null)
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    [JsonIgnore]
    public bool IsHealthy => Status == Healthy;
}

/// <summary>A finished readiness run and until when it answers for this instance.</summary>
public sealed record ReadinessReport(ReadinessResponse Response, DateTimeOffset FreshUntil);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReadinessResponse))]
public sealed partial class HealthJsonContext : JsonSerializerContext;
