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
