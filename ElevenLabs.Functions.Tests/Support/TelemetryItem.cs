using System.Text.Json;
using System.Text.Json.Nodes;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>One envelope as posted: its data type (<c>RequestData</c>, <c>RemoteDependencyData</c>, <c>EventData</c>,
/// <c>MessageData</c>, <c>MetricData</c>, ...), its name (event name, trace message), and the operation it belongs to.</summary>
public sealed record TelemetryItem(string BaseType, string? Name, string? OperationId)
{
    /// <summary>The envelope as posted, to read what the fields above leave out (properties, result codes, types).</summary>
    public string Json { get; init; } = "";

    /// <summary>The item's data as posted (<c>data.baseData</c>): <c>properties</c>, <c>responseCode</c>, <c>data</c>, <c>severityLevel</c>, ...</summary>
    public JsonObject BaseData => JsonNode.Parse(Json)?["data"]?["baseData"] as JsonObject ?? [];

    /// <summary>The item's custom properties (<c>baseData.properties</c>).</summary>
    public IReadOnlyDictionary<string, string> Properties =>
        BaseData["properties"] is JsonObject properties
            ? properties.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!.ToString())
            : new Dictionary<string, string>();

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
