namespace ElevenLabs.Functions.Tests.Support;

/// <summary>App settings for tests, as the app reads them from configuration.</summary>
public static class Settings
{
    /// <summary>Pointed at the stand-in, with its key, quick retries and in-memory sessions.</summary>
    public static Dictionary<string, string?> For(ElevenLabsStandIn elevenLabs, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ElevenLabs:BaseUrl"] = elevenLabs.Url,
            ["ElevenLabs:ApiKey"] = elevenLabs.OriginalApiKey,
            ["ElevenLabs:RetryBaseDelay"] = "00:00:00.050",
            ["Sessions:Store"] = "InMemory",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
