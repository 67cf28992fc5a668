using System.Text.Json;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>One envelope as posted: its data type (<c>RequestData</c>, <c>RemoteDependencyData</c>, <c>EventData</c>,
/// <c>MessageData</c>, <c>MetricData</c>, ...), its name (event name, trace message), and the operation it belongs to.</summary>
public sealed record TelemetryItem(string BaseType, string? Name, string? OperationId)
{
    /// <summary>The envelope as posted, to read what the fields above leave out (properties, result codes, types).</summary>
    public string Json { get; init; } = "";

    public static TelemetryItem Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var data = root.TryGetProperty("data", out var d) ? d : default;
        var baseType = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("baseType", out var t) ? t.GetString() ?? "" : "";
        string? name = null;
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("baseData", out var baseData))
        {
            name = baseData.TryGetProperty("name", out var n) ? n.GetString()
                : baseData.TryGetProperty("message", out var m) ? m.GetString()
                : null;
        }

        var operationId = root.TryGetProperty("tags", out var tags) && tags.TryGetProperty("ai.operation.id", out var op) ? op.GetString() : null;
        return new TelemetryItem(baseType, name, operationId) { Json = line };
    }
}
