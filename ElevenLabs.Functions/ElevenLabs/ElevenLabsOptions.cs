using System.ComponentModel.DataAnnotations;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>Settings of the <c>ElevenLabs</c> section (app settings: <c>ElevenLabs__BaseUrl</c>, ...).</summary>
public sealed class ElevenLabsOptions : IHttpDependencyOptions
{
    public const string Section = "ElevenLabs";

    /// <summary><c>ElevenLabs:BaseUrl</c>: the API's root.</summary>
    [HttpUrl]
    public Uri BaseUrl { get; set; } = new("https://api.elevenlabs.io");

    /// <summary><c>ElevenLabs:AgentId</c>: the conversational agent sessions talk to.</summary>
    [Required(ErrorMessage = "ElevenLabs:AgentId must not be empty.")]
    public string AgentId { get; set; } = "EVQJtCNSo0L6uHQnImQu";

    /// <summary><c>ElevenLabs:ApiKey</c>: the API key, when no Key Vault is configured (read by the configuration secret source).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// <c>ElevenLabs:AllowPublicAgent</c> (default false): the agent may be public (its Security tab's "Enable
    /// authentication" off, <c>platform_settings.auth.enable_auth</c> false) on purpose. Without it, readiness fails with
    /// <c>elevenlabs_agent_public</c> for such an agent, because anyone who knows its id can start conversations from a
    /// browser, skipping sign-in, rate limits and the daily quota.
    /// </summary>
    public bool AllowPublicAgent { get; set; }

    /// <summary>
    /// <c>ElevenLabs:WebhookSecret</c>: the secret ElevenLabs signs post-call webhooks with (its workspace's webhook
    /// settings show it), when no Key Vault is configured (read by the configuration secret source).
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary><c>ElevenLabs:Timeout</c>: how long one attempt at ElevenLabs may take.</summary>
    [SettingRange(IHttpDependencyOptions.MinTimeout, IHttpDependencyOptions.MaxTimeout)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>ElevenLabs:MaxRetries</c>: retries after a 429, a 5xx or a timeout.</summary>
    [SettingRange(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary><c>ElevenLabs:RetryBaseDelay</c>: the first retry's delay; later ones back off exponentially, with jitter.</summary>
    [SettingRange("0", IHttpDependencyOptions.MaxRetryBaseDelay)]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// <c>ElevenLabs:MaxConcurrentCalls</c>: calls to ElevenLabs one instance makes at once; one more is answered 503
    /// <c>elevenlabs_busy</c> at once. Above what an instance carries (each request makes one call at a time).
    /// </summary>
    [SettingRange(1, 10_000)]
    public int MaxConcurrentCalls { get; set; } = 1000;
}

/// <summary>Checks <see cref="ElevenLabsOptions"/>' attributes (generated).</summary>
[OptionsValidator]
public sealed partial class ElevenLabsOptionsValidator : IValidateOptions<ElevenLabsOptions>;
