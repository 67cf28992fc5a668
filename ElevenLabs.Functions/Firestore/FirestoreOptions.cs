using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Settings of the <c>Firestore</c> section, plus Google's standard environment variables.</summary>
public sealed class FirestoreOptions : IHttpDependencyOptions
{
    public const string Section = "Firestore";
    public const string Scope = "https://www.googleapis.com/auth/datastore";
    public const string EmulatorHostVariable = "FIRESTORE_EMULATOR_HOST";
    public const string CredentialsFileVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    /// <summary><c>Firestore:ProjectId</c>: else the service-account key's <c>project_id</c>.</summary>
    public string? ProjectId { get; set; }

    /// <summary><c>Firestore:DatabaseId</c>.</summary>
    public string DatabaseId { get; set; } = "(default)";

    /// <summary><c>Firestore:Collection</c>.</summary>
    public string Collection { get; set; } = "conversation-sessions";

    /// <summary>
    /// <c>Firestore:UsageCollection</c>: where the daily quota's counts are kept, one document per caller and day
    /// (<c>{caller}_{yyyyMMdd}</c>). Named for this function, so it cannot meet another app's collection in a shared project.
    /// </summary>
    public string UsageCollection { get; set; } = DefaultUsageCollection;

    public const string DefaultUsageCollection = "elevenlabs-conversation-usage";

    /// <summary>
    /// <c>Firestore:Auth</c>: <c>ServiceAccountKey</c> or <c>WorkloadIdentity</c>. Unset: a key when one is configured
    /// (<c>Firestore:CredentialsJson</c>, <c>GOOGLE_APPLICATION_CREDENTIALS</c>), else workload identity when
    /// <c>Firestore:WorkloadIdentity:Audience</c> is set, else a key (from Key Vault).
    /// </summary>
    public FirestoreAuth? Auth { get; set; }

    /// <summary><c>Firestore:WorkloadIdentity</c>: the keyless way in, used with <c>Firestore:Auth=WorkloadIdentity</c>.</summary>
    public FirestoreWorkloadIdentityOptions WorkloadIdentity { get; set; } = new();

    /// <summary><c>Firestore:CredentialsJson</c>: a service-account key, inline (Key Vault fills it in Azure).</summary>
    public string? CredentialsJson { get; set; }

    /// <summary><c>GOOGLE_APPLICATION_CREDENTIALS</c>: a service-account key file, used when no inline key is set.</summary>
    public string? CredentialsFile { get; set; }

    /// <summary><c>FIRESTORE_EMULATOR_HOST</c> (<c>host:port</c>): plain http, <c>Bearer owner</c>, no key.</summary>
    public string? EmulatorHost { get; set; }

    /// <summary><c>Firestore:BaseUrl</c>: the REST endpoint's root.</summary>
    public Uri BaseUrl { get; set; } = new("https://firestore.googleapis.com");

    /// <summary><c>Firestore:Timeout</c>: one attempt's time-out.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Firestore:MaxRetries</c>: retries of UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary><c>Firestore:RetryBaseDelay</c>: the first retry's delay; then exponential with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public bool UsesEmulator => !string.IsNullOrWhiteSpace(EmulatorHost);

    /// <summary><see cref="Auth"/>, or what it defaults to (see there).</summary>
    public FirestoreAuth EffectiveAuth => Auth
        ?? (string.IsNullOrWhiteSpace(CredentialsJson) && string.IsNullOrWhiteSpace(CredentialsFile) && !string.IsNullOrWhiteSpace(WorkloadIdentity.Audience)
            ? FirestoreAuth.WorkloadIdentity
            : FirestoreAuth.ServiceAccountKey);

    /// <summary>Firestore is reached through workload identity federation (not the emulator, not a key).</summary>
    public bool UsesWorkloadIdentity => !UsesEmulator && EffectiveAuth == FirestoreAuth.WorkloadIdentity;

    /// <summary>True when a project id, a key, workload identity or an emulator host is set: <c>Sessions:Store=Auto</c> then means Firestore.</summary>
    public bool IsConfigured =>
        UsesEmulator || !string.IsNullOrWhiteSpace(ProjectId) || !string.IsNullOrWhiteSpace(CredentialsJson) || !string.IsNullOrWhiteSpace(CredentialsFile)
        || Auth == FirestoreAuth.WorkloadIdentity || !string.IsNullOrWhiteSpace(WorkloadIdentity.Audience);

    /// <summary>The section, with Google's variables filling what it leaves unset: what registration decides on.</summary>
    public static FirestoreOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<FirestoreOptions>() ?? new FirestoreOptions();
        options.UseGoogleVariables(configuration);
        return options;
    }

    /// <summary><c>FIRESTORE_EMULATOR_HOST</c> and <c>GOOGLE_APPLICATION_CREDENTIALS</c>, where the section leaves them unset.</summary>
    internal void UseGoogleVariables(IConfiguration configuration)
    {
        EmulatorHost ??= configuration[EmulatorHostVariable];
        CredentialsFile ??= configuration[CredentialsFileVariable];
    }
}
