using System.Text.Json;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>
/// One ElevenLabs conversation as a <see cref="CallRecord"/>, read from either of the two places that carry the same
/// shape: a <c>post_call_transcription</c> event's <c>data</c>, or the answer of <c>GET /v1/convai/conversations/{id}</c>
/// (<c>agent_id, conversation_id, status, user_id, transcript[], metadata{}, analysis{},
/// conversation_initiation_client_data{}</c>). Anything missing or of another type than documented is left out, not
/// refused; only the conversation id is required (it names the stored document).
/// </summary>
public static class ConversationData
{
    /// <summary>The call, or null when <c>conversation_id</c> is missing or not a usable document id.</summary>
    /// <param name="data">The conversation object.</param>
    /// <param name="source">Who handed it over: the webhook or the reconcile pass.</param>
    /// <param name="eventTimestamp">The event's <c>event_timestamp</c> (none for the REST answer).</param>
    /// <param name="receivedAt">When this app got it.</param>
    public static CallRecord? Read(JsonElement data, string source, DateTimeOffset? eventTimestamp, DateTimeOffset receivedAt)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var id = String(data, "conversation_id");
        if (id is null || !ConversationId.IsValid(id))
        {
            return null;
        }

        var metadata = Object(data, "metadata");
        var analysis = Object(data, "analysis");
        var initiation = Object(data, "conversation_initiation_client_data");
        var sessionId = initiation.ValueKind == JsonValueKind.Object
            && initiation.TryGetProperty("dynamic_variables", out var variables) && variables.ValueKind == JsonValueKind.Object
            ? String(variables, "session_id")
            : null;
        var startedAt = Integer(metadata, "start_time_unix_secs") is { } start && start is >= 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(start)
            : (DateTimeOffset?)null;
        return new CallRecord
        {
            ElevenLabsConversationId = id,
            Source = source,
            AgentId = String(data, "agent_id"),
            Status = String(data, "status"),
            UserId = String(data, "user_id"),
            EventTimestamp = eventTimestamp,
            ReceivedAt = receivedAt,
            Transcript = Transcript(data),
            Metadata = Keep(metadata),
            Analysis = Keep(analysis),
            InitiationData = Keep(initiation),
            SessionIdHint = sessionId is not null && ConversationId.IsValid(sessionId) ? sessionId : null,
            HasAudio = data.TryGetProperty("has_audio", out var hasAudio) && hasAudio.ValueKind == JsonValueKind.True,
            Summary = new CallSummary
            {
                ElevenLabsConversationId = id,
                Status = String(data, "status"),
                CallDurationSecs = Integer(metadata, "call_duration_secs"),
                CallSuccessful = String(analysis, "call_successful"),
                TranscriptSummary = String(analysis, "transcript_summary"),
                TerminationReason = String(metadata, "termination_reason"),
                StartedAt = startedAt,
            },
        };
    }

    private static List<TranscriptTurn> Transcript(JsonElement data)
    {
        var turns = new List<TranscriptTurn>();
        if (data.TryGetProperty("transcript", out var transcript) && transcript.ValueKind == JsonValueKind.Array)
        {
            foreach (var turn in transcript.EnumerateArray())
            {
                if (turn.ValueKind == JsonValueKind.Object)
                {
                    turns.Add(new TranscriptTurn(String(turn, "role"), String(turn, "message"), Integer(turn, "time_in_call_secs")));
                }
            }
        }

        return turns;
    }

    /// <summary>A copy that outlives the source's document (an absent object stays absent).</summary>
    private static JsonElement Keep(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? default : value.Clone();

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;

    /// <summary>A string that can be stored (well-formed Unicode); else absent.</summary>
    private static string? String(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return UnicodeText.Read(value);
    }

    /// <summary>A whole number of seconds (a fractional one is rounded); else absent.</summary>
    private static long? Integer(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetInt64(out var whole))
        {
            return whole;
        }

        return value.TryGetDouble(out var number) && double.IsFinite(number) && Math.Abs(number) < 9e15 ? (long)Math.Round(number) : null;
    }
}
