using System.Text;
using System.Text.Json.Nodes;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>ElevenLabs' post-call webhook bodies, shaped as its documentation shows them.</summary>
public static class ElevenLabsEvents
{
    public const string AgentId = "EVQJtCNSo0L6uHQnImQu";

    /// <summary>A <c>post_call_transcription</c> event.</summary>
    public static JsonObject Transcription(string elevenLabsId, string? sessionId = null, IEnumerable<(string Role, string Message)>? turns = null,
        long startUnix = 1_764_064_800, int durationSecs = 754, string callSuccessful = "success", JsonObject? analysisExtra = null)
    {
        var transcript = new JsonArray();
        var at = 0;
        foreach (var (role, message) in turns ?? [("agent", "Hello! Tell me about a project you are proud of."), ("user", "I rebuilt our billing pipeline – 面接 🎙️."), ("agent", "Thank you, that is all.")])
        {
            transcript.Add(new JsonObject
            {
                ["role"] = role,
                ["message"] = message,
                ["tool_calls"] = new JsonArray(),
                ["time_in_call_secs"] = at,
                ["conversation_turn_metrics"] = new JsonObject { ["metrics"] = new JsonObject { ["convai_llm_service_ttfb"] = new JsonObject { ["elapsed_time"] = 0.37 } } },
            });
            at += 7;
        }

        var analysis = new JsonObject
        {
            ["evaluation_criteria_results"] = new JsonObject
            {
                ["communication"] = new JsonObject { ["criteria_id"] = "communication", ["result"] = "success", ["rationale"] = "Clear answers." },
            },
            ["data_collection_results"] = new JsonObject
            {
                ["years_experience"] = new JsonObject { ["data_collection_id"] = "years_experience", ["value"] = 7, ["rationale"] = "Said seven years." },
            },
            ["call_successful"] = callSuccessful,
            ["transcript_summary"] = "The candidate described rebuilding a billing pipeline.",
        };
        foreach (var (key, value) in analysisExtra ?? [])
        {
            analysis[key] = value?.DeepClone();
        }

        var initiation = new JsonObject
        {
            ["conversation_config_override"] = new JsonObject { ["agent"] = new JsonObject { ["prompt"] = null, ["first_message"] = null, ["language"] = "en" } },
            ["custom_llm_extra_body"] = new JsonObject(),
            ["dynamic_variables"] = sessionId is null ? new JsonObject() : new JsonObject { ["session_id"] = sessionId },
        };
        return new JsonObject
        {
            ["type"] = "post_call_transcription",
            ["event_timestamp"] = startUnix + durationSecs + 5,
            ["data"] = new JsonObject
            {
                ["agent_id"] = AgentId,
                ["conversation_id"] = elevenLabsId,
                ["status"] = "done",
                ["user_id"] = null,
                ["transcript"] = transcript,
                ["metadata"] = new JsonObject
                {
                    ["start_time_unix_secs"] = startUnix,
                    ["call_duration_secs"] = durationSecs,
                    ["cost"] = 296,
                    ["deletion_settings"] = new JsonObject { ["deletion_time_unix_secs"] = null, ["delete_audio"] = false },
                    ["feedback"] = new JsonObject { ["overall_score"] = null, ["likes"] = 0, ["dislikes"] = 0 },
                    ["authorization_method"] = "signed_url",
                    ["charging"] = new JsonObject { ["dev_discount"] = true },
                    ["termination_reason"] = "end_call tool was called.",
                },
                ["analysis"] = analysis,
                ["conversation_initiation_client_data"] = initiation,
            },
        };
    }

    public static JsonObject InitiationFailure(string elevenLabsId) => new()
    {
        ["type"] = "call_initiation_failure",
        ["event_timestamp"] = 1_764_064_800,
        ["data"] = new JsonObject { ["agent_id"] = AgentId, ["conversation_id"] = elevenLabsId, ["failure_reason"] = "busy", ["metadata"] = new JsonObject() },
    };

    public static byte[] Bytes(JsonObject value) => Encoding.UTF8.GetBytes(value.ToJsonString());
}
