namespace ElevenLabs.Functions.Api;

/// <summary>Settings of the <c>Cors</c> section: CORS for the self-hosted mode only (the worker reads none of it).</summary>
public sealed class CorsOptions
{
    public const string Section = "Cors";

    /// <summary>
    /// <c>Cors:AllowedOrigins</c>: a comma list of origins, or <c>*</c>. Empty (the default): no CORS headers at all,
    /// as under Azure Functions, where the platform (or <c>func start</c>'s <c>Host.CORS</c>) answers CORS.
    /// </summary>
    public string? AllowedOrigins { get; set; }

    /// <summary>The configured origins, without trailing slashes; empty when CORS is off.</summary>
    public IReadOnlyList<string> Origins =>
        [.. (AllowedOrigins ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/'))];
}
