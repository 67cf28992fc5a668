namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>How ElevenLabs failed; <c>ApiErrors.From</c> turns each into the client's answer.</summary>
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

    /// <summary>Not called: ElevenLabs failed so often lately that the circuit is open (for the break duration).</summary>
    CircuitOpen,

    /// <summary>Not called: this instance already has as many ElevenLabs calls in flight as it allows.</summary>
    TooManyCalls,
}
