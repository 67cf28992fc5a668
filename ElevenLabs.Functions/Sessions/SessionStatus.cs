namespace ElevenLabs.Functions.Sessions;

/// <summary>The status values a session document carries, as the Cloud Function wrote them.</summary>
public static class SessionStatus
{
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Failed = "failed";
}
