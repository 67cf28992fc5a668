using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Health;

/// <summary>
/// ElevenLabs accepts the key and is set up safely: an authenticated GET of the configured agent (a 401 is unhealthy,
/// and so is an unknown agent, and a public one unless <c>ElevenLabs:AllowPublicAgent</c>), and, at most every
/// <see cref="ElevenLabsWebhookStatus.FreshFor"/>, whether ElevenLabs disabled the app's webhook.
/// </summary>
public sealed partial class ElevenLabsReadinessCheck(
    ElevenLabsClient client,
    ElevenLabsWebhookStatus webhookStatus,
    ConversationTelemetry telemetry,
    IOptions<ElevenLabsOptions> options,
    ILogger<ElevenLabsReadinessCheck> logger) : IReadinessCheck
{
    public string Name => "elevenlabs";

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var webhook = webhookStatus.GetDisabledAsync(client, telemetry, cancellationToken);
        var agent = await client.GetAgentAsync(settings.AgentId, cancellationToken);
        if (!agent.EnableAuth)
        {
            if (!settings.AllowPublicAgent)
            {
                throw new ReadinessProblemException(ReadinessProblemException.AgentPublic,
                    $"ElevenLabs agent {agent.AgentId} is public: anyone who knows its id can start conversations from a browser, skipping sign-in, rate limits and the daily quota. " +
                    "In ElevenLabs, turn on the agent's Security tab > \"Enable authentication\" (platform_settings.auth.enable_auth), or set ElevenLabs:AllowPublicAgent=true if it is deliberate.");
            }

            if (webhookStatus.FirstPublicAgentNotice())
            {
                LogPublicByChoice(logger, agent.AgentId);
            }
        }

        if (await webhook is { } disabled)
        {
            var why = disabled.IsAutoDisabled
                ? $"automatically, after repeated failed deliveries (last failure: HTTP {disabled.MostRecentFailureErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"})"
                : "by hand";
            throw new ReadinessProblemException(ReadinessProblemException.WebhookDisabled,
                $"ElevenLabs disabled the webhook {disabled.WebhookUrl} {why}: post-call events no longer arrive. " +
                "Fix the cause, then run infra/setup-webhook.sh (or the deploy) to enable it again.");
        }
    }

    public Exception TimedOut(TimeSpan timeout) =>
        new ElevenLabsException(ElevenLabsFailure.Timeout, $"ElevenLabs did not answer within {timeout.TotalSeconds:0.#} s.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "ElevenLabs agent {AgentId} is public (its Security tab's \"Enable authentication\", platform_settings.auth.enable_auth, is off) by choice (ElevenLabs:AllowPublicAgent=true): anyone who knows its id can start conversations without this app's sign-in, rate limits or daily quota")]
    private static partial void LogPublicByChoice(ILogger logger, string agentId);
}
