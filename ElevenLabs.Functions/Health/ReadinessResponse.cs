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
