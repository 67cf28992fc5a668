using System.Text.Json;
using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Calls;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// <c>POST /elevenlabs-webhook</c>, shared by both hosts: ElevenLabs' post-call events. The signature is the
/// authentication, checked before anything of the body is parsed; an authentic event is answered 200 quickly, whatever
/// its type, because ElevenLabs disables a webhook that keeps failing.
/// </summary>
public sealed partial class WebhookEndpoint(
    WebhookSecretKeys keys,
    CallRecorder recorder,
    Recordings.RecordingStore recordings,
    ConversationTelemetry telemetry,
    TimeProvider time,
    ILogger<WebhookEndpoint> logger)
{
    public const string Route = "elevenlabs-webhook";
    public const string Action = "webhook";

    /// <summary>The official SDKs refuse older events; a replayed capture is refused with them.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(30);

    /// <summary>How far ahead of our clock a timestamp may be (clock skew).</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.HttpContext;
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            return ApiResults.Error(context, new ApiError(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
                $"Method {request.Method} is not allowed: ElevenLabs POSTs its events."));
        }

        try
        {
            return await HandlePostAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = ApiErrors.From(ex, Action);
            if (ex is SecretNotConfiguredException)
            {
                LogNotConfigured(logger, error.StatusCode, error.Code, ex.Message); // expected: no stack trace
            }
            else if (error.IsServerFailure)
            {
                LogFailed(logger, ex, error.StatusCode, error.Code);
            }
            else
            {
                LogRefused(logger, error.StatusCode, error.Code, ex.Message);
            }

            return ApiResults.Error(context, error);
        }
    }

    private async Task<IResult> HandlePostAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var context = request.HttpContext;
        var signature = WebhookSignature.Parse(request.Headers[WebhookSignature.HeaderName]);
        if (signature is null)
        {
            return Reject(context, request.Headers.ContainsKey(WebhookSignature.HeaderName) ? "malformed_signature" : "missing_signature");
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(signature.Timestamp, 0, 253_402_300_799));
        if (age > MaxAge)
        {
            return Reject(context, "timestamp_too_old");
        }

        if (age < -MaxAhead)
        {
            return Reject(context, "timestamp_in_future");
        }

        if (request.ContentLength > WebhookBody.MaxBytes)
        {
            return TooLarge(context);
        }

        // Kestrel's own cap (30 MB by default, in the worker too) would cut an audio event short.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = WebhookBody.MaxBytes + 1;
        }

        var candidates = await keys.KeysAsync(cancellationToken);
        WebhookBody body;
        try
        {
            body = await WebhookBody.ReadAsync(request.Body, signature.SignedPrefix, candidates, cancellationToken);
        }
        catch (WebhookBodyTooLargeException)
        {
            return TooLarge(context);
        }
        catch (BadHttpRequestException ex)
        {
            // The body stalled below Kestrel's minimum data rate, or its framing was broken (a bad chunk).
            LogUnreadable(logger, ex.StatusCode, ex.Message);
            return ApiResults.Error(context, ex.StatusCode == StatusCodes.Status408RequestTimeout
                ? new ApiError(StatusCodes.Status408RequestTimeout, "request_timeout", "The event's body arrived too slowly.")
                : new ApiError(StatusCodes.Status400BadRequest, "invalid_body", "The event's body could not be read."));
        }

        await using (body)
        {
            if (!signature.MatchesAny(body.Macs)
                && !(await keys.RefreshedKeyAsync(cancellationToken) is { } fresh
                    && signature.MatchesAny([await body.MacAsync(signature.SignedPrefix, fresh, cancellationToken)])))
            {
                return Reject(context, "signature_mismatch");
            }

            // Authentic from here on.
            string type;
            try
            {
                type = await WebhookEventType.ReadAsync(body, cancellationToken) ?? "(none)";
            }
            catch (JsonException)
            {
                return NotJson(context, body.Length);
            }

            var matched = false;
            if (type == PostCallTranscription.Type)
            {
                CallRecord? call;
                try
                {
                    using var document = await JsonDocument.ParseAsync(body.Open(),
                        new JsonDocumentOptions { MaxDepth = WebhookEventType.MaxDepth }, cancellationToken);
                    call = PostCallTranscription.Read(document.RootElement, time.GetUtcNow(), recordings.Enabled);
                }
                catch (JsonException)
                {
                    return NotJson(context, body.Length);
                }

                if (call is null)
                {
                    LogMalformed(logger, type);
                    return ApiResults.Error(context, new ApiError(StatusCodes.Status400BadRequest, "invalid_event",
                        "The event has no valid data.conversation_id."));
                }

                var outcome = await recorder.RecordAsync(call, cancellationToken);
                matched = outcome.ConversationId is not null;
                telemetry.WebhookReceived(type, matched, call with { ConversationId = outcome.ConversationId });
            }
            else if (type == PostCallAudio.Type && recordings.Enabled)
            {
                var stored = await StoreAudioAsync(context, body, cancellationToken);
                if (stored is not null)
                {
                    return stored;
                }

                matched = true;
                telemetry.WebhookReceived(type, matched: true, call: null);
            }
            else
            {
                LogIgnored(logger, type, body.Length, body.OnDisk);
                telemetry.WebhookReceived(type, matched: false, call: null);
            }

            return ApiResults.Json(context, StatusCodes.Status200OK, new WebhookAcknowledged(true, type, matched),
                ApiJsonContext.Default.WebhookAcknowledged);
        }
    }

    /// <summary>
    /// A <c>post_call_audio</c> event's recording, streamed from the spool into its blob (base64 decoded as it is read):
    /// an error answer, or null when stored. A call no session matches, or an event without audio, is answered 200 and
    /// stores nothing.
    /// </summary>
    private async Task<IResult?> StoreAudioAsync(HttpContext context, WebhookBody body, CancellationToken cancellationToken)
    {
        if (await PostCallAudio.FindAudioAsync(body.Open(), cancellationToken) is not { } audio)
        {
            LogMalformed(logger, PostCallAudio.Type);
            return ApiResults.Error(context, new ApiError(StatusCodes.Status400BadRequest, "invalid_event", "The event has no data.full_audio."));
        }

        string? id;
        string? hint;
        try
        {
            (id, hint) = await PostCallAudio.ReadIdsAsync(body.Open(), audio.Start, audio.End, cancellationToken);
        }
        catch (JsonException)
        {
            return NotJson(context, body.Length);
        }

        if (id is null || !ConversationId.IsValid(id))
        {
            LogMalformed(logger, PostCallAudio.Type);
            return ApiResults.Error(context, new ApiError(StatusCodes.Status400BadRequest, "invalid_event", "The event has no valid data.conversation_id."));
        }

        var (session, _) = await recorder.FindSessionAsync(id, hint, cancellationToken);
        if (session is null || session.Session.Status == Sessions.SessionStatus.Deleting)
        {
            LogAudioUnmatched(logger, id);
            telemetry.WebhookReceived(PostCallAudio.Type, matched: false, call: null);
            return ApiResults.Json(context, StatusCodes.Status200OK, new WebhookAcknowledged(true, PostCallAudio.Type, false),
                ApiJsonContext.Default.WebhookAcknowledged);
        }

        long bytes;
        try
        {
            await using var text = PostCallAudio.Audio(body.Open(), audio.Start, audio.End);
            bytes = await recordings.WriteBase64Async(session.Session.ConversationId, id, text, cancellationToken);
        }
        catch (InvalidDataException)
        {
            LogMalformed(logger, PostCallAudio.Type);
            return ApiResults.Error(context, new ApiError(StatusCodes.Status400BadRequest, "invalid_event", "data.full_audio is not base64."));
        }

        telemetry.RecordingStored(Sessions.CallSource.Webhook, session.Session.ConversationId, id, bytes);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook post_call_audio for ElevenLabs call {ElevenLabsConversationId} matches no session (or one being deleted): the recording is not kept")]
    private static partial void LogAudioUnmatched(ILogger logger, string elevenLabsConversationId);

    private IResult NotJson(HttpContext context, long length)
    {
        LogNotJson(logger, length);
        return ApiResults.Error(context, new ApiError(StatusCodes.Status400BadRequest, "invalid_json",
            "The event is signed but is not a JSON object."));
    }

    private IResult Reject(HttpContext context, string reason)
    {
        LogRejected(logger, reason);
        telemetry.WebhookRejected(reason);
        return ApiResults.Error(context, new ApiError(StatusCodes.Status401Unauthorized, "invalid_signature",
            "The ElevenLabs-Signature header is missing, malformed, too old, or does not match the body."));
    }

    private IResult TooLarge(HttpContext context)
    {
        telemetry.WebhookRejected("too_large");
        return ApiResults.Error(context, new ApiError(StatusCodes.Status413PayloadTooLarge, "payload_too_large",
            $"A webhook event must be at most {WebhookBody.MaxBytes / (1024 * 1024)} MiB."));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event is signed but not a JSON object ({Length} bytes)")]
    private static partial void LogNotJson(ILogger logger, long length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {Type} is signed but has no valid data.conversation_id")]
    private static partial void LogMalformed(ILogger logger, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook event {Type} received ({Length} bytes, spooled to disk: {OnDisk}); nothing is stored for it")]
    private static partial void LogIgnored(ILogger logger, string type, long length, bool onDisk);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook body could not be read ({StatusCode}): {Reason}")]
    private static partial void LogUnreadable(ILogger logger, int statusCode, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook refused with {StatusCode} {Code}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int statusCode, string code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook failed with {StatusCode} {Code}: {Reason}")]
    private static partial void LogNotConfigured(ILogger logger, int statusCode, string code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook failed with {StatusCode} {Code}")]
    private static partial void LogFailed(ILogger logger, Exception exception, int statusCode, string code);
}
