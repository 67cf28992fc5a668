namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// A token call of workload identity federation (Google STS's exchange, or IAM credentials' impersonation) failed, as
/// <see cref="GoogleTokenErrorHandler"/> read it off the answer. Holds Google's error code and description (with
/// anything token-like removed), never a token.
/// </summary>
internal sealed class GoogleTokenException(
    bool exchange, int? httpStatus, string? error, string? description, bool transient, Exception? innerException = null)
    : Exception($"Google {(exchange ? "STS" : "IAM credentials")} failed: {httpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"} {error}", innerException)
{
    /// <summary>True for STS's token exchange, false for IAM credentials' <c>generateAccessToken</c>.</summary>
    public bool Exchange { get; } = exchange;

    /// <summary>The HTTP status, or null when there was no answer (unreachable, timed out).</summary>
    public int? HttpStatus { get; } = httpStatus;

    /// <summary>STS's OAuth <c>error</c> (<c>invalid_grant</c>, ...) or IAM's canonical status (<c>PERMISSION_DENIED</c>, ...).</summary>
    public string? Error { get; } = error;

    public string? Description { get; } = description;

    /// <summary>No answer, or 408, 429, 5xx: trying again later may help.</summary>
    public bool Transient { get; } = transient;

    /// <summary>The HTTP status, else the reason there was no answer: for operator messages.</summary>
    public string Reason => HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Error ?? "no answer";
}
