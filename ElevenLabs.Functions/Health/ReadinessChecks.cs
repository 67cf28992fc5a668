using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Health;

/// <summary>One dependency the readiness answer checks. A failure is the dependency's own exception, so its code is the error envelope's.</summary>
public interface IReadinessCheck
{
    /// <summary>The check's key in the answer's <c>checks</c> object.</summary>
    string Name { get; }

    /// <summary>Completes when the dependency answered as a working one would; throws the failure otherwise.</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>The failure that a check which did not finish within its time-out stands for.</summary>
    Exception TimedOut(TimeSpan timeout);
}

/// <summary>The ElevenLabs key resolves. Asks the secret source as a request would, so its cache serves inside the TTL.</summary>
public sealed class SecretsReadinessCheck(ISecretSource secrets) : IReadinessCheck
{
    public string Name => "secrets";

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        _ = await secrets.GetAsync(SecretKind.ElevenLabsApiKey, refresh: false, cancellationToken)
            ?? throw new SecretNotConfiguredException(SecretKind.ElevenLabsApiKey);
    }

    public Exception TimedOut(TimeSpan timeout) =>
        new SecretUnavailableException(SecretKind.ElevenLabsApiKey, $"The secret source did not give the ElevenLabs key within {timeout.TotalSeconds:0.#} s.");
}

/// <summary>The session store answers a read (Firestore: a document GET, where NOT_FOUND is a healthy answer; in memory: always).</summary>
public sealed class FirestoreReadinessCheck(ISessionStore store) : IReadinessCheck
{
    public string Name => "firestore";

    public Task CheckAsync(CancellationToken cancellationToken) => store.ProbeAsync(cancellationToken);

    public Exception TimedOut(TimeSpan timeout) =>
        new SessionStoreException(SessionStoreFailure.Unavailable, $"The session store did not answer within {timeout.TotalSeconds:0.#} s.");
}

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

/// <summary>
/// A dependency answered, but is set up so the app must not run as it is (a public agent, a disabled webhook): the
/// check fails with <see cref="Code"/>, and the log says in one line, without a stack trace, what to change.
/// </summary>
public sealed class ReadinessProblemException(string code, string message) : Exception(message)
{
    public const string AgentPublic = "elevenlabs_agent_public";
    public const string WebhookDisabled = "elevenlabs_webhook_disabled";

    public string Code { get; } = code;
}
