using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Health;

/// <summary>One check of the readiness answer: <c>healthy</c> or <c>unhealthy</c>, how long it took, and a failure's code.</summary>
public sealed record ReadinessCheckResult(string Status, long DurationMs, string? Code = null)
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    [JsonIgnore]
    public bool IsHealthy => Status == Healthy;
}
