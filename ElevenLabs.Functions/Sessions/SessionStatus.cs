namespace ElevenLabs.Functions.Sessions;

/// <summary>The status values a session document carries: the Cloud Function's three, and <c>expired</c>.</summary>
public static class SessionStatus
{
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Failed = "failed";

    /// <summary>Idle too long with no finished call: closed by the sweep.</summary>
    public const string Expired = "expired";
}
