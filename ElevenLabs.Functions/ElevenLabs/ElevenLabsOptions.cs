using System.ComponentModel.DataAnnotations;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>Settings of the <c>ElevenLabs</c> section (app settings: <c>ElevenLabs__BaseUrl</c>, ...).</summary>
public sealed class ElevenLabsOptions
{
    public const string Section = "ElevenLabs";
    public const string DefaultAgentId = "EVQJtCNSo0L6uHQnImQu";

    /// <summary><c>ElevenLabs:BaseUrl</c>: the API's root.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.elevenlabs.io");

    /// <summary><c>ElevenLabs:AgentId</c>: the conversational agent sessions talk to.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "ElevenLabs:AgentId must not be empty.")]
    public string AgentId { get; set; } = DefaultAgentId;

    /// <summary><c>ElevenLabs:ApiKey</c>: the API key, when no Key Vault is configured.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>ElevenLabs:Timeout</c>: how long one attempt at ElevenLabs may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "ElevenLabs:Timeout must be between 00:00:00.1 and 00:01:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>ElevenLabs:MaxRetries</c>: retries after a 429, a 5xx or a timeout.</summary>
    [Range(0, 5, ErrorMessage = "ElevenLabs:MaxRetries must be between 0 and 5.")]
    public int MaxRetries { get; set; } = 2;

    /// <summary><c>ElevenLabs:RetryBaseDelay</c>: the first retry's delay; later ones back off exponentially, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "ElevenLabs:RetryBaseDelay must be between 0 and 00:00:10.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}
