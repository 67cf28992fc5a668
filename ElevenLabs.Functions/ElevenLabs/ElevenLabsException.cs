using System.Net;

namespace ElevenLabs.Functions.ElevenLabs;

public enum ElevenLabsFailure
{
    /// <summary>401/403: the API key is wrong, revoked or lacks the permission.</summary>
    Unauthorized,

    /// <summary>429: too many concurrent requests, or the system is busy.</summary>
    RateLimited,

    /// <summary>5xx after retries.</summary>
    ServerError,

    /// <summary>Another 4xx: ElevenLabs refused the request (unknown agent, validation).</summary>
    Rejected,

    /// <summary>No answer within the timeout, after retries.</summary>
    Timeout,

    /// <summary>The connection failed.</summary>
    Unreachable,

    /// <summary>A 2xx whose body is not what the API documents.</summary>
    InvalidResponse,
}

/// <summary>ElevenLabs did not give a signed URL. Holds ElevenLabs' own status and message, never the key.</summary>
public sealed class ElevenLabsException(
    ElevenLabsFailure failure,
    string message,
    HttpStatusCode? statusCode = null,
    string? upstreamStatus = null,
    TimeSpan? retryAfter = null,
    Exception? innerException = null) : Exception(message, innerException)
{
    public ElevenLabsFailure Failure { get; } = failure;
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>ElevenLabs' machine status, such as <c>too_many_concurrent_requests</c>.</summary>
    public string? UpstreamStatus { get; } = upstreamStatus;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The machine code for this failure: the error envelope's <c>code</c> and a failed session's <c>failureCode</c>.</summary>
    public string Code => Failure switch
    {
        ElevenLabsFailure.Unauthorized => "elevenlabs_unauthorized",
        ElevenLabsFailure.RateLimited => "elevenlabs_busy",
        ElevenLabsFailure.Rejected => "elevenlabs_rejected",
        ElevenLabsFailure.Timeout => "elevenlabs_timeout",
        ElevenLabsFailure.Unreachable => "elevenlabs_unreachable",
        _ => "elevenlabs_error",
    };
}
