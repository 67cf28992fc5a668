namespace ElevenLabs.Functions.Sessions;

/// <summary>The status values a session document carries: the Cloud Function's three, <c>expired</c> and <c>deleting</c>.</summary>
public static class SessionStatus
{
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Failed = "failed";

    /// <summary>Idle too long with no finished call: closed by the sweep.</summary>
    public const string Expired = "expired";

    /// <summary>
    /// Its erasure was asked for (<c>delete_session</c>, or retention) and is not finished: no longer usable, answered as
    /// not found; a retry of <c>delete_session</c> or the next sweep finishes it.
    /// </summary>
    public const string Deleting = "deleting";
}
