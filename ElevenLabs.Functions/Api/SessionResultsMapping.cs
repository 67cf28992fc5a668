using System.Globalization;
using System.Text.Json;
using ElevenLabs.Functions.Calls;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Api;

/// <summary>A page of <see cref="CallResults"/> as the <c>get_results</c> answer: ElevenLabs' objects read into typed fields.</summary>
public static class SessionResultsMapping
{
    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    public static SessionResultsResponse Answer(Session session, ResultsPage page)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(page);
        return new SessionResultsResponse(true, session.ConversationId, new SessionResults(
            session.ConversationId, session.Status, [.. page.Calls.Select(Call)],
            page.NextCursor?.ToString(CultureInfo.InvariantCulture)));
    }

    private static CallResultData Call(CallResult result)
    {
        var call = result.Call;
        var started = Integer(call.Metadata, "start_time_unix_secs") is { } start && start is >= 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(start).UtcDateTime
            : (DateTime?)null;
        return new CallResultData(
            call.ElevenLabsConversationId,
            call.Status,
            call.Source,
            started,
            Integer(call.Metadata, "call_duration_secs"),
            Text(call.Metadata, "termination_reason"),
            [.. call.Transcript.Select(t => new TranscriptTurnData(t.Role, t.Message, t.TimeInCallSecs))],
            new CallAnalysisData(
                Text(call.Analysis, "call_successful"),
                Text(call.Analysis, "transcript_summary"),
                Entries(call.Analysis, "evaluation_criteria_results", (key, e) => new EvaluationCriterionData(Text(e, "criteria_id") ?? key, Text(e, "result"), Text(e, "rationale"))),
                Entries(call.Analysis, "data_collection_results", (key, e) => new DataCollectionData(Text(e, "data_collection_id") ?? key,
                    e.TryGetProperty("value", out var value) ? value.Clone() : Null, Text(e, "rationale")))),
            result.RecordingAvailable);
    }

    private static Dictionary<string, T> Entries<T>(JsonElement parent, string name, Func<string, JsonElement, T> read)
    {
        var entries = new Dictionary<string, T>(StringComparer.Ordinal);
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object)
                {
                    entries[entry.Name] = read(entry.Name, entry.Value);
                }
            }
        }

        return entries;
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long? Integer(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.TryGetInt64(out var whole) ? whole : value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 9e15 ? (long)Math.Round(d) : null
            : null;
}
