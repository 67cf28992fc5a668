using System.ComponentModel.DataAnnotations;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Settings of the <c>Firestore</c> section, plus Google's standard environment variables.</summary>
public sealed class FirestoreOptions
{
    public const string Section = "Firestore";
    public const string Scope = "https://www.googleapis.com/auth/datastore";

    /// <summary><c>Firestore:ProjectId</c>: else the service-account key's <c>project_id</c>.</summary>
    public string? ProjectId { get; set; }

    /// <summary><c>Firestore:DatabaseId</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Firestore:DatabaseId must not be empty.")]
    public string DatabaseId { get; set; } = "(default)";

    /// <summary><c>Firestore:Collection</c>.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{1,128}$", ErrorMessage = "Firestore:Collection must match ^[A-Za-z0-9_-]{1,128}$.")]
    public string Collection { get; set; } = "conversation-sessions";

    /// <summary><c>Firestore:CredentialsJson</c>: a service-account key, inline (Key Vault fills it in Azure).</summary>
    public string? CredentialsJson { get; set; }

    /// <summary><c>GOOGLE_APPLICATION_CREDENTIALS</c>: a service-account key file, used when no inline key is set.</summary>
    public string? CredentialsFile { get; set; }

    /// <summary><c>FIRESTORE_EMULATOR_HOST</c> (<c>host:port</c>): plain http, <c>Bearer owner</c>, no key.</summary>
    public string? EmulatorHost { get; set; }

    /// <summary><c>Firestore:BaseUrl</c>: the REST endpoint's root.</summary>
    public Uri BaseUrl { get; set; } = new("https://firestore.googleapis.com");

    /// <summary><c>Firestore:Timeout</c>: one attempt's time-out.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Firestore:Timeout must be between 00:00:00.1 and 00:01:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Firestore:MaxRetries</c>: retries of UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL.</summary>
    [Range(1, 10, ErrorMessage = "Firestore:MaxRetries must be between 1 and 10.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary><c>Firestore:RetryBaseDelay</c>: the first retry's delay; then exponential with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "Firestore:RetryBaseDelay must be between 0 and 00:00:10.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public bool UsesEmulator => !string.IsNullOrWhiteSpace(EmulatorHost);
}
