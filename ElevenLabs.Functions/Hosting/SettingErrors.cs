using System.Globalization;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Hosting;

/// <summary>What an options validator finds: one plain line per wrong setting, each naming the setting.</summary>
internal sealed class SettingErrors
{
    private readonly List<string> _messages = [];

    public ValidateOptionsResult Result => _messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_messages);

    /// <summary>Adds <paramref name="message"/> unless <paramref name="valid"/>.</summary>
    public SettingErrors Check(bool valid, string message) => valid ? this : Add(message);

    public SettingErrors Add(string message)
    {
        _messages.Add(message);
        return this;
    }

    public SettingErrors NotEmpty(string setting, string? value) =>
        Check(!string.IsNullOrWhiteSpace(value), $"{setting} must not be empty.");

    public SettingErrors HttpUrl(string setting, Uri? value) =>
        Check(value is { IsAbsoluteUri: true } && (value.Scheme == Uri.UriSchemeHttp || value.Scheme == Uri.UriSchemeHttps),
            $"{setting} must be an absolute http(s) URL.");

    public SettingErrors Between(string setting, int value, int min, int max) =>
        Check(value >= min && value <= max, $"{setting} must be between {min} and {max}.");

    public SettingErrors Between(string setting, TimeSpan value, TimeSpan min, TimeSpan max) =>
        Check(value >= min && value <= max, $"{setting} must be between {Text(min)} and {Text(max)}.");

    /// <summary>
    /// The settings every HTTP dependency of the app has under its section: <c>BaseUrl</c>, <c>Timeout</c> (one
    /// attempt, 0.1 s to 1 min), <c>MaxRetries</c> and <c>RetryBaseDelay</c> (0 to 10 s).
    /// </summary>
    public SettingErrors HttpDependency(string section, Uri? baseUrl, TimeSpan timeout, int maxRetries, (int Min, int Max) retries, TimeSpan retryBaseDelay) =>
        HttpUrl($"{section}:BaseUrl", baseUrl)
            .Between($"{section}:Timeout", timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1))
            .Between($"{section}:MaxRetries", maxRetries, retries.Min, retries.Max)
            .Between($"{section}:RetryBaseDelay", retryBaseDelay, TimeSpan.Zero, TimeSpan.FromSeconds(10));

    /// <summary>"0", "00:00:00.1", "00:01:00": as short as the setting would be written.</summary>
    private static string Text(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0";
        }

        // "c" is [d.]hh:mm:ss[.fffffff]: only a fraction (a '.' after the last ':') loses its trailing zeros.
        var text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0') : text;
    }
}
