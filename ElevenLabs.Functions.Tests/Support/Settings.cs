namespace ElevenLabs.Functions.Tests.Support;

/// <summary>App settings for tests, as the app reads them from configuration.</summary>
public static class Settings
{
    /// <summary>Pointed at the stand-in, with its key, quick retries and in-memory sessions.</summary>
    public static Dictionary<string, string?> For(ElevenLabsStandIn elevenLabs, params (string Key, string? Value)[] extra) =>
        new Dictionary<string, string?>
        {
            ["ElevenLabs:BaseUrl"] = elevenLabs.Url,
            ["ElevenLabs:ApiKey"] = elevenLabs.OriginalApiKey,
            ["ElevenLabs:RetryBaseDelay"] = "00:00:00.050",
            ["Sessions:Store"] = "InMemory",
        }.With(extra);

    /// <summary>The settings with <paramref name="extra"/> on top (a null value removes nothing: it sets null).</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<(string Key, string? Value)> extra)
    {
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
