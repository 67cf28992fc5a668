using System.Text.RegularExpressions;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;

namespace ElevenLabs.Functions.Telemetry;

/// <summary>
/// Strips credentials from URLs before they leave: the values of query parameters such as <c>token</c>,
/// <c>signature</c> or <c>key</c> in dependency and request telemetry, and any wss:// URL's query in traces.
/// </summary>
public sealed partial class RedactingTelemetryInitializer : ITelemetryInitializer
{
    public void Initialize(ITelemetry telemetry)
    {
        switch (telemetry)
        {
            case DependencyTelemetry dependency:
                dependency.Data = Redact(dependency.Data);
                dependency.Name = Redact(dependency.Name);
                break;
            case RequestTelemetry request when request.Url is { } url:
                request.Url = new Uri(Redact(url.ToString()));
                break;
            case TraceTelemetry trace:
                trace.Message = Redact(trace.Message);
                break;
        }
    }

    public static string Redact(string? text) =>
        text is null ? "" : WebSocketQuery().Replace(SecretParameter().Replace(text, "$1=[redacted]"), "$1?[redacted]");

    [GeneratedRegex(@"([?&](?:token|signature|sig|key|api_key|apikey|xi-api-key|code|access_token))=[^&#\s""]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();

    [GeneratedRegex(@"(wss?://[^\s?""]+)\?[^\s""]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WebSocketQuery();
}
