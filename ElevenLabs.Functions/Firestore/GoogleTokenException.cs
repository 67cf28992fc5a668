namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// A token call of workload identity federation failed. Holds Google's error code and description (with anything
/// token-like removed), never a token.
/// </summary>
internal sealed class GoogleTokenException(
    GoogleTokenStep step, int? httpStatus, string? error, string? description, bool transient, Exception? innerException = null)
    : Exception($"Google {(step == GoogleTokenStep.Exchange ? "STS" : "IAM credentials")} failed: {httpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"} {error}", innerException)
{
    /// <summary>The HTTP status, or null when there was no answer (unreachable, timed out).</summary>
    public int? HttpStatus { get; } = httpStatus;

    /// <summary>STS's OAuth <c>error</c> (<c>invalid_grant</c>, ...) or IAM's canonical status (<c>PERMISSION_DENIED</c>, ...).</summary>
    public string? Error { get; } = error;

    public string? Description { get; } = description;

    /// <summary>No answer, or 408, 429, 5xx: trying again later may help.</summary>
    public bool Transient { get; } = transient;
}
