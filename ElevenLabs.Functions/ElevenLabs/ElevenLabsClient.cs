using System.Text.Json;
using System.Web;
using Microsoft.Extensions.Logging;
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
        if (!response.IsSuccessStatusCode)
        {
            throw await ElevenLabsErrors.ReadAsync(response, time.GetUtcNow(), cancellationToken);
        }

        var body = await ReadSignedUrlAsync(response, cancellationToken);
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
        if (!response.IsSuccessStatusCode)
        {
            throw await ElevenLabsErrors.ReadAsync(response, time.GetUtcNow(), cancellationToken);
        }

        ConversationTokenResponse? body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            body = await JsonSerializer.DeserializeAsync(stream, ElevenLabsJsonContext.Default.ConversationTokenResponse, cancellationToken);
        }
        catch (JsonException)
        {
            body = null;
        }

        return string.IsNullOrWhiteSpace(body?.Token)
            ? throw new ElevenLabsException(ElevenLabsFailure.InvalidResponse, "ElevenLabs answered without a conversation token.")
            : new ConversationToken(body.Token);
    }

    /// <summary>Completes when ElevenLabs answers the agent's <c>GET /v1/convai/agents/{agent_id}</c> with this key (for readiness).</summary>
    /// <exception cref="ElevenLabsException">ElevenLabs refused (a 401 is <see cref="ElevenLabsFailure.Unauthorized"/>) or failed.</exception>
    public async Task CheckAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        using var response = await SendAsync($"v1/convai/agents/{Uri.EscapeDataString(agentId)}", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ElevenLabsErrors.ReadAsync(response, time.GetUtcNow(), cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
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

    private static async Task<SignedUrlResponse?> ReadSignedUrlAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, ElevenLabsJsonContext.Default.SignedUrlResponse, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
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
