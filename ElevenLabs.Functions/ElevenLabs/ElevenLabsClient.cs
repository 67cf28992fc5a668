using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Web;
using Microsoft.Extensions.Logging;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Telemetry;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>The ElevenLabs API, as far as this app uses it. A typed client: resilience and the key come from its handlers.</summary>
public sealed partial class ElevenLabsClient(HttpClient http, ConversationTelemetry telemetry, TimeProvider time, ILogger<ElevenLabsClient> logger)
{
    /// <summary>A single-use signed URL for the agent, carrying ElevenLabs' conversation id.</summary>
    /// <exception cref="ElevenLabsException">ElevenLabs gave no signed URL.</exception>
    public async Task<SignedUrl> GetSignedUrlAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var path = $"v1/convai/conversation/get-signed-url?agent_id={Uri.EscapeDataString(agentId)}&include_conversation_id=true";
        var started = time.GetTimestamp();
        using var response = await SendAsync(path, cancellationToken);
        telemetry.SignedUrlLatency(time.GetElapsedTime(started));
        var body = await ReadAsync(response, ElevenLabsJsonContext.Default.SignedUrlResponse, cancellationToken);
        if (body?.SignedUrl is not { } url || !IsWebSocketUrl(url))
        {
            throw new ElevenLabsException(ElevenLabsFailure.InvalidResponse, "ElevenLabs answered without a usable signed_url.");
        }

        var signed = new SignedUrl(url, body.ConversationId ?? ConversationIdFromUrl(url));
        LogSignedUrl(logger, signed.Redacted, signed.ConversationId);
        return signed;
    }

    /// <summary>A WebRTC conversation token for the agent (<c>GET /v1/convai/conversation/token</c>).</summary>
    /// <exception cref="ElevenLabsException">ElevenLabs gave no token.</exception>
    public async Task<ConversationToken> GetConversationTokenAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var path = $"v1/convai/conversation/token?agent_id={Uri.EscapeDataString(agentId)}";
        using var response = await SendAsync(path, cancellationToken);
        var body = await ReadAsync(response, ElevenLabsJsonContext.Default.ConversationTokenResponse, cancellationToken);
        return string.IsNullOrWhiteSpace(body?.Token)
            ? throw new ElevenLabsException(ElevenLabsFailure.InvalidResponse, "ElevenLabs answered without a conversation token.")
            : new ConversationToken(body.Token, IsElevenLabsId(body.ConversationId) ? body.ConversationId : null);
    }

    /// <summary>The agent's security setting (<c>GET /v1/convai/agents/{agent_id}</c>, <c>platform_settings.auth.enable_auth</c>; absent is false).</summary>
    /// <exception cref="ElevenLabsException">ElevenLabs refused (an unknown agent is <see cref="ElevenLabsFailure.Rejected"/>), failed, or answered no agent.</exception>
    public async Task<ElevenLabsAgent> GetAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        using var response = await SendAsync($"v1/convai/agents/{Uri.EscapeDataString(agentId)}", cancellationToken);
        var body = await ReadAsync(response, ConversationDetailsJsonContext.Default.AgentResponse, cancellationToken);
        return body is null
            ? throw new ElevenLabsException(ElevenLabsFailure.InvalidResponse, "ElevenLabs answered the agent with something other than an agent.")
            : new ElevenLabsAgent(body.AgentId ?? agentId, body.PlatformSettings?.Auth?.EnableAuth ?? false);
    }

    /// <summary>The workspace's webhooks and their state (<c>GET /v1/workspace/webhooks?include_usages=true</c>).</summary>
    /// <exception cref="ElevenLabsException">ElevenLabs refused, failed, or answered no webhook list.</exception>
    public async Task<IReadOnlyList<WorkspaceWebhook>> ListWorkspaceWebhooksAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("v1/workspace/webhooks?include_usages=true", cancellationToken);
        var body = await ReadAsync(response, WorkspaceWebhooksJsonContext.Default.WorkspaceWebhooksResponse, cancellationToken);
        return body?.Webhooks is not { } webhooks
            ? throw new ElevenLabsException(ElevenLabsFailure.InvalidResponse, "ElevenLabs answered the workspace webhooks without a webhook list.")
            : [.. webhooks.Where(w => !string.IsNullOrEmpty(w?.WebhookUrl))
                .Select(w => new WorkspaceWebhook(w!.WebhookUrl!, w.IsDisabled ?? false, w.IsAutoDisabled ?? false, w.MostRecentFailureErrorCode))];
    }

    /// <summary>One conversation's status, metadata and analysis; null when ElevenLabs has no conversation with that id.</summary>
    /// <exception cref="ArgumentException">The id is not one ElevenLabs makes (letters, digits, '_' and '-').</exception>
    /// <exception cref="ElevenLabsException">ElevenLabs failed or answered something unusable.</exception>
    public async Task<ElevenLabsConversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        CheckId(conversationId);
        using var response = await SendAsync($"v1/convai/conversations/{conversationId}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        var document = await ReadAsync(response, ConversationDetailsJsonContext.Default.JsonElement, cancellationToken);
        ConversationDetailsResponse? body;
        try
        {
            body = document.ValueKind == JsonValueKind.Object ? document.Deserialize(ConversationDetailsJsonContext.Default.ConversationDetailsResponse) : null;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?.Status is not { Length: > 0 } status)
        {
            throw new ElevenLabsException(ElevenLabsFailure.InvalidResponse, "ElevenLabs answered a conversation without its status.");
        }

        return new ElevenLabsConversation
        {
            ConversationId = conversationId,
            Status = status,
            Summary = new CallSummary
            {
                ElevenLabsConversationId = conversationId,
                Status = status,
                CallDurationSecs = body.Metadata?.CallDurationSecs is { } duration ? (long)Math.Round(duration) : null,
                CallSuccessful = body.Analysis?.CallSuccessful,
                TranscriptSummary = body.Analysis?.TranscriptSummary,
                TerminationReason = string.IsNullOrEmpty(body.Metadata?.TerminationReason) ? null : body.Metadata.TerminationReason,
                StartedAt = body.Metadata?.StartTimeUnixSecs is { } start and > 0 and < 253402300800
                    ? DateTimeOffset.FromUnixTimeMilliseconds((long)(start * 1000))
                    : null,
            },
            HasAudio = body.HasAudio ?? false,
            Document = document,
        };
    }

    /// <summary>
    /// The call's recording as a stream (<c>GET /v1/convai/conversations/{id}/audio</c>, read as it arrives, never
    /// buffered); null when ElevenLabs has no such conversation or no audio of it (404).
    /// </summary>
    /// <exception cref="ArgumentException">The id is not one ElevenLabs makes.</exception>
    /// <exception cref="ElevenLabsException">ElevenLabs failed.</exception>
    public async Task<ConversationAudio?> GetConversationAudioAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        CheckId(conversationId);
        var response = await SendAsync(HttpMethod.Get, $"v1/convai/conversations/{conversationId}/audio", cancellationToken);
        try
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await ElevenLabsErrors.ReadAsync(response, time.GetUtcNow(), cancellationToken);
            }

            return new ConversationAudio(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes the conversation at ElevenLabs (transcript, audio, analysis): <c>DELETE /v1/convai/conversations/{id}</c>.
    /// True when it was deleted now, false when ElevenLabs had no such conversation (404: deleted before, which is done too).
    /// </summary>
    /// <exception cref="ArgumentException">The id is not one ElevenLabs makes.</exception>
    /// <exception cref="ElevenLabsException">ElevenLabs failed or refused.</exception>
    public async Task<bool> DeleteConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        CheckId(conversationId);
        using var response = await SendAsync(HttpMethod.Delete, $"v1/convai/conversations/{conversationId}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }

        return response.IsSuccessStatusCode ? true : throw await ElevenLabsErrors.ReadAsync(response, time.GetUtcNow(), cancellationToken);
    }

    private static void CheckId(string conversationId)
    {
        if (!IsElevenLabsId(conversationId))
        {
            throw new ArgumentException($"'{conversationId}' is not an ElevenLabs conversation id.", nameof(conversationId));
        }
    }

    /// <summary>ElevenLabs' ids (<c>conv_...</c>): safe as one path segment as they are.</summary>
    private static bool IsElevenLabsId(string? id) =>
        id is { Length: > 0 and <= 128 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private Task<HttpResponseMessage> SendAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path);
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new ElevenLabsException(ElevenLabsFailure.Timeout, "ElevenLabs did not answer in time.", innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ElevenLabsException(ElevenLabsFailure.Timeout, "ElevenLabs did not answer in time.", innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ElevenLabsException(ElevenLabsFailure.Unreachable, $"ElevenLabs could not be reached: {ex.HttpRequestError}.", innerException: ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new ElevenLabsException(ElevenLabsFailure.CircuitOpen, "ElevenLabs failed too often lately: calls are paused.",
                ElevenLabsServiceCollectionExtensions.BreakDuration, ex);
        }
        catch (RateLimiterRejectedException ex)
        {
            throw new ElevenLabsException(ElevenLabsFailure.TooManyCalls, "Too many ElevenLabs calls are in flight on this instance.",
                ex.RetryAfter, ex);
        }
    }

    /// <summary>A successful answer's body as <typeparamref name="T"/>, or its default (null) when it is not that JSON.</summary>
    /// <exception cref="ElevenLabsException">ElevenLabs answered with an error status.</exception>
    private async Task<T?> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ElevenLabsErrors.ReadAsync(response, time.GetUtcNow(), cancellationToken);
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static bool IsWebSocketUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == "wss" || uri.Scheme == "ws");

    private static string? ConversationIdFromUrl(string url)
    {
        var query = new Uri(url).Query;
        var id = HttpUtility.ParseQueryString(query)["conversation_id"];
        return string.IsNullOrEmpty(id) ? null : id;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ElevenLabs issued signed URL {SignedUrl} for ElevenLabs conversation {ElevenLabsConversationId}")]
    private static partial void LogSignedUrl(ILogger logger, string signedUrl, string? elevenLabsConversationId);
}
