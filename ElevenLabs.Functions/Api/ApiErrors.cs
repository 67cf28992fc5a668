using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Api;

/// <summary>
/// One failure, as the client and the operator see it. The error envelope, the log line and the
/// <c>SessionFailed</c> event are all made from this value; <see cref="ApiErrors.From"/> is the only place that makes it
/// from an exception.
/// </summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Code">The envelope's machine <c>code</c>.</param>
/// <param name="Message">The envelope's human-readable <c>error</c>.</param>
/// <param name="Detail">What the client can do about it, when there is something to say.</param>
/// <param name="RetryAfter">When trying again may help: sent as <c>Retry-After</c>.</param>
/// <param name="Challenge">For a 401: the <c>WWW-Authenticate</c> header.</param>
public sealed record ApiError(int StatusCode, string Code, string Message, string? Detail = null, TimeSpan? RetryAfter = null, string? Challenge = null)
{
    /// <summary>The failure is ours or a dependency's, not the client's.</summary>
    public bool IsServerFailure => StatusCode >= 500;
}

/// <summary>The request is not acceptable; carries the answer to give.</summary>
public sealed class ApiRequestException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}

/// <summary>The one place where a failure becomes an <see cref="ApiError"/>. Upstream bodies and secrets never reach it.</summary>
public static class ApiErrors
{
    /// <summary>How long a client waits before retrying a transient failure that gave no time of its own.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>RFC 6750: no error parameter when no token was sent, <c>invalid_token</c> when the one sent is not good.</summary>
    public const string MissingTokenChallenge = "Bearer";
    public const string InvalidTokenChallenge = "Bearer error=\"invalid_token\"";

    /// <summary>The Cloud Function's wording for a failed action.</summary>
    public static string FailureMessage(string? action) => action switch
    {
        CreateSession.Name => "Failed to create conversation session",
        GetSignedUrl.Name => "Failed to get signed URL",
        GetConversationToken.Name => "Failed to get conversation token",
        EndSession.Name => "Failed to end conversation session",
        GetSession.Name => "Failed to get conversation session",
        GetResults.Name => "Failed to get conversation results",
        GetRecording.Name => "Failed to get the call's recording",
        DeleteSession.Name => "Failed to delete conversation session",
        Webhooks.WebhookEndpoint.Action => "Failed to process the ElevenLabs event",
        _ => "Request failed",
    };

    /// <summary>Maps a failure of <paramref name="action"/> to status, code, message, detail and Retry-After.</summary>
    public static ApiError From(Exception exception, string? action)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failed = FailureMessage(action);
        return exception switch
        {
            ApiRequestException bad => bad.Error,
            UnauthenticatedException { TokenPresent: false } => new(StatusCodes.Status401Unauthorized, "unauthenticated",
                "Sign-in required: send Authorization: Bearer <ID token>.", TokenDetail, Challenge: MissingTokenChallenge),
            UnauthenticatedException => new(StatusCodes.Status401Unauthorized, "unauthenticated",
                "The bearer token is not valid or has expired.", TokenDetail, Challenge: InvalidTokenChallenge),
            AuthUnavailableException unavailable => new(StatusCodes.Status503ServiceUnavailable, "auth_unavailable", failed,
                "The sign-in provider's keys could not be fetched; try again shortly.", unavailable.RetryAfter),
            RateLimitedException limited => new(StatusCodes.Status429TooManyRequests, "rate_limited", limited.Message,
                "Slow down and try again after Retry-After seconds.", limited.RetryAfter),
            QuotaExceededException quota => new(StatusCodes.Status429TooManyRequests, "quota_exceeded",
                $"Daily limit of {quota.SessionsPerDay} sessions reached.", "The quota resets at 00:00 UTC (Retry-After).", quota.RetryAfter),
            SessionNotFoundException { Deleting: true } => new(StatusCodes.Status404NotFound, "session_not_found", "Conversation session not found",
                "The session is being deleted (delete_session); it is gone once the erasure finishes."),
            SessionNotFoundException => new(StatusCodes.Status404NotFound, "session_not_found", "Conversation session not found"),
            SessionErasureException incomplete => new(incomplete.Transient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway,
                "erasure_incomplete", failed,
                $"{incomplete.Dependency} failed midway. The session is marked deleting (answered as not found); send delete_session again after Retry-After, or the next sweep finishes it.",
                RetryAfter(incomplete.InnerException)),
            SessionNotActiveException { Status: SessionStatus.Ended } => new(StatusCodes.Status409Conflict, "session_ended", "Conversation session has ended"),
            SessionNotActiveException inactive => new(StatusCodes.Status409Conflict, "session_not_active", $"Conversation session is {inactive.Status}"),
            Recordings.RecordingsDisabledException disabled => new(StatusCodes.Status409Conflict, "recordings_disabled",
                "Recordings are off on this deployment", disabled.Message),
            Recordings.RecordingNotFoundException => new(StatusCodes.Status404NotFound, "recording_not_found",
                "No recording of that call is stored", "It is stored once ElevenLabs sends it (the post_call_audio event) or the sweep's reconcile pass copies it."),
            Recordings.RecordingStoreException { Transient: true } => new(StatusCodes.Status503ServiceUnavailable, "recordings_unavailable", failed,
                "Blob Storage is unavailable; try again shortly.", DefaultRetryAfter),
            Recordings.RecordingStoreException => new(StatusCodes.Status502BadGateway, "recordings_error", failed, "Blob Storage refused the request."),
            SessionConflictException => new(StatusCodes.Status409Conflict, "session_conflict", failed, "The session changed concurrently; try again."),
            SecretNotConfiguredException { Kind: SecretKind.ElevenLabsApiKey } => new(StatusCodes.Status500InternalServerError,
                "api_key_not_configured", "ElevenLabs API key is not configured", Detail(SecretKind.ElevenLabsApiKey)),
            SecretNotConfiguredException { Kind: SecretKind.ElevenLabsWebhookSecret } => new(StatusCodes.Status500InternalServerError,
                "webhook_secret_not_configured", "The ElevenLabs webhook secret is not configured", Detail(SecretKind.ElevenLabsWebhookSecret)),
            SecretNotConfiguredException missing => new(StatusCodes.Status500InternalServerError, "secret_not_configured", failed,
                Detail(missing.Kind)),
            SecretUnavailableException { Transient: false } => new(StatusCodes.Status500InternalServerError, "secret_forbidden", failed,
                "The app may not read its secrets; the log says what to fix."),
            SecretUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "secret_unavailable", failed,
                "The API key could not be read from the secret store; try again shortly.", DefaultRetryAfter),
            ElevenLabsException elevenLabs => FromElevenLabs(elevenLabs, failed),
            SessionStoreException { Failure: SessionStoreFailure.Unavailable } => new(StatusCodes.Status503ServiceUnavailable,
                "store_unavailable", failed, "The session store is unavailable; try again shortly.", DefaultRetryAfter),
            SessionStoreException => new(StatusCodes.Status500InternalServerError, "store_error", failed),
            _ => new(StatusCodes.Status500InternalServerError, "internal_error", failed),
        };
    }

    /// <summary>The dependency's own Retry-After when it gave one, else the default.</summary>
    private static TimeSpan RetryAfter(Exception? failure) =>
        failure is ElevenLabsException { RetryAfter: { } after } && after > TimeSpan.Zero ? after : DefaultRetryAfter;

    private const string TokenDetail = "Get a fresh ID token (Firebase: await user.getIdToken()) and send it as Authorization: Bearer <token>.";

    /// <summary>"Set ElevenLabs__ApiKey, or ...": the hint the start-up log gives, as a sentence.</summary>
    private static string Detail(SecretKind kind)
    {
        var hint = SecretNotConfiguredException.Hint(kind);
        return char.ToUpperInvariant(hint[0]) + hint[1..];
    }

    private static ApiError FromElevenLabs(ElevenLabsException exception, string failed)
    {
        var retryAfter = exception.RetryAfter is { } after && after > TimeSpan.Zero ? after : DefaultRetryAfter;
        return exception.Failure switch
        {
            ElevenLabsFailure.RateLimited => new(StatusCodes.Status503ServiceUnavailable, "elevenlabs_busy", failed, "ElevenLabs is busy; try again shortly.", retryAfter),
            ElevenLabsFailure.TooManyCalls => new(StatusCodes.Status503ServiceUnavailable, "elevenlabs_busy", failed,
                "Too many requests are waiting for ElevenLabs; try again shortly.", retryAfter),
            ElevenLabsFailure.CircuitOpen => new(StatusCodes.Status503ServiceUnavailable, "elevenlabs_unavailable", failed,
                "ElevenLabs is failing; calls to it are paused for a few seconds.", retryAfter),
            ElevenLabsFailure.Unauthorized => new(StatusCodes.Status502BadGateway, "elevenlabs_unauthorized", failed, "ElevenLabs rejected the API key."),
            ElevenLabsFailure.Timeout => new(StatusCodes.Status502BadGateway, "elevenlabs_timeout", failed, "ElevenLabs did not answer in time."),
            ElevenLabsFailure.Unreachable => new(StatusCodes.Status502BadGateway, "elevenlabs_unreachable", failed, "ElevenLabs could not be reached."),
            ElevenLabsFailure.Rejected => new(StatusCodes.Status502BadGateway, "elevenlabs_rejected", failed, "ElevenLabs refused the request."),
            _ => new(StatusCodes.Status502BadGateway, "elevenlabs_error", failed, "ElevenLabs failed to answer."),
        };
    }
}
