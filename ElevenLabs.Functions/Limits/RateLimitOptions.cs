namespace ElevenLabs.Functions.Limits;

/// <summary>Settings of the <c>RateLimit</c> section: per caller, per instance. 0 turns a limit off.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary><c>RateLimit:CreatePerMinute</c>: sessions created and signed URLs or tokens issued, per caller per minute.</summary>
    public int CreatePerMinute { get; set; } = 10;

    /// <summary><c>RateLimit:RequestsPerMinute</c>: every other POST, per caller per minute.</summary>
    public int RequestsPerMinute { get; set; } = 120;

    /// <summary>
    /// <c>RateLimit:TrustForwardedFor</c>: without auth, count callers by the first <c>X-Forwarded-For</c> address (true
    /// behind the Azure front end, which the app cannot otherwise see past) instead of the connection's address.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}
