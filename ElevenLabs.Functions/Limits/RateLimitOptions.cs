using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>Settings of the <c>RateLimit</c> section: per caller, per instance. 0 turns a limit off.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>The most a per-minute limit (and the daily quota) may be.</summary>
    public const int Max = 1_000_000;

    /// <summary><c>RateLimit:CreatePerMinute</c>: sessions created and signed URLs or tokens issued, per caller per minute.</summary>
    [SettingRange(0, Max)]
    public int CreatePerMinute { get; set; } = 10;

    /// <summary><c>RateLimit:RequestsPerMinute</c>: every other POST, per caller per minute.</summary>
    [SettingRange(0, Max)]
    public int RequestsPerMinute { get; set; } = 120;

    /// <summary>
    /// <c>RateLimit:TrustForwardedFor</c>: without auth, count callers by what the front end says the client is, not by
    /// the connection's address: its <c>client-ip</c> (Azure's front end sets it, overwriting the client's value), else
    /// the last <c>X-Forwarded-For</c> hop (the one the nearest proxy appended; earlier hops are the client's own
    /// text). True under Azure Functions (infra sets it), where the connection is always the Functions host on
    /// loopback. Self-hosted, true only behind a proxy that appends to <c>X-Forwarded-For</c> and sets or strips
    /// <c>client-ip</c>; false (the default) when clients connect directly, since then both headers are theirs.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}

/// <summary>Checks <see cref="RateLimitOptions"/>' attributes (generated).</summary>
[OptionsValidator]
public sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;
