namespace ElevenLabs.Functions.Tests.Support;

/// <summary>App settings for tests, as the app reads them from configuration.</summary>
public static class Settings
{
    /// <summary>
    /// Pointed at the stand-in, with its key, quick retries and in-memory sessions. Every test client calls from one
    /// loopback address, so the per-caller limits are raised out of the way; the limits' own tests set them.
    /// </summary>
    public static Dictionary<string, string?> For(ElevenLabsStandIn elevenLabs, params (string Key, string? Value)[] extra) =>
        new Dictionary<string, string?>
        {
            ["ElevenLabs:BaseUrl"] = elevenLabs.Url,
            ["ElevenLabs:ApiKey"] = elevenLabs.OriginalApiKey,
            ["ElevenLabs:RetryBaseDelay"] = "00:00:00.050",
            ["Sessions:Store"] = "InMemory",
        }.With(LimitsOutOfTheWay).With(extra);

    /// <summary>Per-caller limits and the daily quota raised far beyond what any test sends from its one address.</summary>
    public static readonly (string Key, string? Value)[] LimitsOutOfTheWay =
    [
        ("RateLimit:CreatePerMinute", "1000000"),
        ("RateLimit:RequestsPerMinute", "1000000"),
        ("Quota:SessionsPerDay", "1000000"),
    ];

    /// <summary>The settings with <paramref name="extra"/> on top (a null value removes nothing: it sets null).</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<(string Key, string? Value)> extra)
    {
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Firebase auth for <paramref name="projectId"/>, with keys from the stand-in over plain http.</summary>
    public static (string Key, string? Value)[] Firebase(OpenIdStandIn provider, string projectId) =>
    [
        ("Auth:Mode", "Firebase"),
        ("Auth:Firebase:ProjectId", projectId),
        ("Auth:MetadataAddress", provider.DiscoveryDocument.ToString()),
        ("Auth:RequireHttpsMetadata", "false"),
    ];
}
