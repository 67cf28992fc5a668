using System.Text.Json;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// ElevenLabs' <c>post_call_transcription</c> event: <c>{"type","event_timestamp","data":{agent_id, conversation_id,
/// status, user_id, transcript[], metadata{}, analysis{}, conversation_initiation_client_data{}}}</c>, read into a
/// <see cref="CallRecord"/> by <see cref="ConversationData"/>, which reads the REST answer of the reconcile pass too.
/// </summary>
public static class PostCallTranscription
{
    public const string Type = "post_call_transcription";

    /// <summary>
    /// The call, or null when <c>data.conversation_id</c> is missing or not a usable document id. With
    /// <paramref name="recordingsOn"/>, a call whose <c>data.has_audio</c> is not <c>false</c> awaits its recording
    /// (<see cref="CallRecord.AwaitsRecording"/>): the audio event may never come.
    /// </summary>
    public static CallRecord? Read(JsonElement root, DateTimeOffset receivedAt, bool recordingsOn = false)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var sent = root.TryGetProperty("event_timestamp", out var timestamp) && timestamp.ValueKind == JsonValueKind.Number
            && timestamp.TryGetInt64(out var seconds) && seconds is >= 0 and < 253_402_300_800
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : (DateTimeOffset?)null;
        var saysNoAudio = data.TryGetProperty("has_audio", out var hasAudio) && hasAudio.ValueKind == JsonValueKind.False;
        return ConversationData.Read(data, CallSource.Webhook, sent, receivedAt) is { } call
            ? call with { AwaitsRecording = recordingsOn && !saysNoAudio }
            : null;
    }
}
