using System.Globalization;
using ElevenLabs.Functions.Sessions;
using Microsoft.ApplicationInsights;
using static ElevenLabs.Functions.Telemetry.TelemetryNames;

namespace ElevenLabs.Functions.Telemetry;

/// <summary>The custom events and metrics the dashboard counts. Never carries a key or a signed URL.</summary>
public sealed class ConversationTelemetry(TelemetryClient client)
{
    private readonly Metric _signedUrlLatency = client.GetMetric(Metrics.ElevenLabsSignedUrlLatencyMs);

    public void Succeeded(string eventName, string action, string conversationId, string agentId) =>
        client.TrackEvent(eventName, new Dictionary<string, string>
        {
            [Properties.Action] = action,
            [Properties.ConversationId] = conversationId,
            [Properties.AgentId] = agentId,
        });

    public void Failed(string action, string? conversationId, string agentId, string failureCode, int statusCode) =>
        client.TrackEvent(Events.SessionFailed, new Dictionary<string, string>
        {
            [Properties.Action] = action,
            [Properties.ConversationId] = conversationId ?? "",
            [Properties.AgentId] = agentId,
            [Properties.FailureCode] = failureCode,
            [Properties.StatusCode] = statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>The sweep closed an idle session: <see cref="TelemetryNames.Events.SessionExpired"/> with why.</summary>
    public void Expired(string action, string conversationId, string agentId, string reason) =>
        client.TrackEvent(Events.SessionExpired, new Dictionary<string, string>
        {
            [Properties.Action] = action,
            [Properties.ConversationId] = conversationId,
            [Properties.AgentId] = agentId,
            [Properties.Reason] = reason,
        });

    /// <summary>An authentic webhook event; for a call, what the workbook charts (duration, outcome) and its id to count it once.</summary>
    public void WebhookReceived(string type, bool matched, CallRecord? call)
    {
        var properties = new Dictionary<string, string>
        {
            [Properties.Type] = type,
            [Properties.Matched] = matched ? "true" : "false",
        };
        if (call is not null)
        {
            properties[Properties.ElevenLabsConversationId] = call.ElevenLabsConversationId;
            properties[Properties.ConversationId] = call.ConversationId ?? "";
            properties[Properties.AgentId] = call.AgentId ?? "";
            properties[Properties.CallSuccessful] = call.Summary.CallSuccessful ?? "";
            if (call.Summary.CallDurationSecs is { } duration)
            {
                properties[Properties.CallDurationSecs] = duration.ToString(CultureInfo.InvariantCulture);
            }
        }

        client.TrackEvent(Events.WebhookReceived, properties);
    }

    /// <summary>
    /// The reconcile pass stored a finished call whose webhook never came: ids, duration and outcome only (no transcript,
    /// no names). A rising count means the webhook is failing.
    /// </summary>
    public void CallReconciled(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var properties = new Dictionary<string, string>
        {
            [Properties.ElevenLabsConversationId] = call.ElevenLabsConversationId,
            [Properties.ConversationId] = call.ConversationId ?? "",
            [Properties.AgentId] = call.AgentId ?? "",
            [Properties.CallSuccessful] = call.Summary.CallSuccessful ?? "",
        };
        if (call.Summary.CallDurationSecs is { } duration)
        {
            properties[Properties.CallDurationSecs] = duration.ToString(CultureInfo.InvariantCulture);
        }

        client.TrackEvent(Events.CallReconciled, properties);
    }

    /// <summary>A call's recording was stored: who stored it, the ids and its size only.</summary>
    public void RecordingStored(string source, string conversationId, string elevenLabsConversationId, long bytes) =>
        client.TrackEvent(Events.RecordingStored, new Dictionary<string, string>
        {
            [Properties.Source] = source,
            [Properties.ConversationId] = conversationId,
            [Properties.ElevenLabsConversationId] = elevenLabsConversationId,
            [Properties.Bytes] = bytes.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>A session was erased: who asked, its id and agent, and how many of each thing were deleted. Counts only.</summary>
    public void SessionErased(string source, SessionErasure erasure, string agentId)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        client.TrackEvent(Events.SessionErased, new Dictionary<string, string>
        {
            [Properties.Source] = source,
            [Properties.ConversationId] = erasure.ConversationId,
            [Properties.AgentId] = agentId,
            [Properties.ElevenLabsConversations] = erasure.Conversations.ToString(CultureInfo.InvariantCulture),
            [Properties.Recordings] = erasure.Recordings.ToString(CultureInfo.InvariantCulture),
            [Properties.Calls] = erasure.Calls.ToString(CultureInfo.InvariantCulture),
            [Properties.TranscriptParts] = erasure.TranscriptParts.ToString(CultureInfo.InvariantCulture),
        });
    }

    public void WebhookRejected(string reason) =>
        client.TrackEvent(Events.WebhookRejected, new Dictionary<string, string> { [Properties.Reason] = reason });

    /// <summary>ElevenLabs reports the app's webhook disabled: <paramref name="reason"/> <c>auto_disabled</c> or <c>disabled</c>.</summary>
    public void WebhookDisabled(string reason, int? statusCode)
    {
        var properties = new Dictionary<string, string> { [Properties.Reason] = reason };
        if (statusCode is { } status)
        {
            properties[Properties.StatusCode] = status.ToString(CultureInfo.InvariantCulture);
        }

        client.TrackEvent(Events.WebhookDisabled, properties);
    }

    public void SignedUrlLatency(TimeSpan elapsed) => _signedUrlLatency.TrackValue(elapsed.TotalMilliseconds);
}
