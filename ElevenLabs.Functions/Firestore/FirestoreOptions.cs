using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.GoogleAuth;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Settings of the <c>Firestore</c> section, plus Google's standard environment variables.</summary>
public sealed partial class FirestoreOptions : IHttpDependencyOptions, IValidatableObject
{
    public const string Section = "Firestore";
    public const string Scope = "https://www.googleapis.com/auth/datastore";
    public const string EmulatorHostVariable = "FIRESTORE_EMULATOR_HOST";
    public const string CredentialsFileVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    /// <summary><c>Firestore:ProjectId</c>: else the service-account key's <c>project_id</c>.</summary>
    public string? ProjectId { get; set; }

    /// <summary><c>Firestore:DatabaseId</c>.</summary>
    [Required(ErrorMessage = "Firestore:DatabaseId must not be empty.")]
    public string DatabaseId { get; set; } = "(default)";

    /// <summary><c>Firestore:Collection</c>.</summary>
    [Required(ErrorMessage = "Firestore:Collection must match " + CollectionPatternInMessage + ".")]
    [RegularExpression(CollectionPattern, ErrorMessage = "Firestore:Collection must match " + CollectionPatternInMessage + ".")]
    public string Collection { get; set; } = "conversation-sessions";

    /// <summary>
    /// <c>Firestore:UsageCollection</c>: where the daily quota's counts are kept, one document per caller and day
    /// (<c>{caller}_{yyyyMMdd}</c>). Named for this function, so it cannot meet another app's collection in a shared project.
    /// </summary>
    [Required(ErrorMessage = "Firestore:UsageCollection must match " + CollectionPatternInMessage + ".")]
    [RegularExpression(CollectionPattern, ErrorMessage = "Firestore:UsageCollection must match " + CollectionPatternInMessage + ".")]
    public string UsageCollection { get; set; } = DefaultUsageCollection;

    public const string DefaultUsageCollection = "elevenlabs-conversation-usage";

    /// <summary>
    /// <c>Firestore:Auth</c>: <c>ServiceAccountKey</c> or <c>WorkloadIdentity</c>. Unset: a key when one is configured
    /// (<c>Firestore:CredentialsJson</c>, <c>GOOGLE_APPLICATION_CREDENTIALS</c>), else workload identity when
    /// <c>Firestore:WorkloadIdentity:Audience</c> is set, else a key (from Key Vault).
    /// </summary>
    [EnumDataType(typeof(FirestoreAuth), ErrorMessage = "Firestore:Auth must be ServiceAccountKey or WorkloadIdentity.")]
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
    [HttpUrl]
    public Uri BaseUrl { get; set; } = new("https://firestore.googleapis.com");

    /// <summary><c>Firestore:Timeout</c>: one attempt's time-out.</summary>
    [SettingRange(IHttpDependencyOptions.MinTimeout, IHttpDependencyOptions.MaxTimeout)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Firestore:MaxRetries</c>: retries of UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL.</summary>
    [SettingRange(1, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary><c>Firestore:RetryBaseDelay</c>: the first retry's delay; then exponential with jitter.</summary>
    [SettingRange("0", IHttpDependencyOptions.MaxRetryBaseDelay)]
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

    private const string CollectionPattern = "^[A-Za-z0-9_-]{1,128}$";

    /// <summary>An attribute's message is a format string: its braces are doubled.</summary>
    private const string CollectionPatternInMessage = "^[A-Za-z0-9_-]{{1,128}}$";

    /// <summary>
    /// The rules across settings: the two collections differ, the emulator's host, and either workload identity
    /// federation fully set or a configured key that can be read and is a service-account key.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new List<string>();
        if (UsageCollection == Collection)
        {
            errors.Add("Firestore:UsageCollection must differ from Firestore:Collection.");
        }

        if (UsesEmulator && !System.Uri.TryCreate("http://" + EmulatorHost, UriKind.Absolute, out _))
        {
            errors.Add("FIRESTORE_EMULATOR_HOST must be host:port.");
        }

        if (UsesWorkloadIdentity)
        {
            ValidateWorkloadIdentity(errors); // a key, if one is configured too, is not used
        }
        else if (!string.IsNullOrWhiteSpace(CredentialsJson))
        {
            CheckKey(errors, () => ServiceAccountKey.Check(CredentialsJson, "Firestore:CredentialsJson"));
        }
        else if (!string.IsNullOrWhiteSpace(CredentialsFile))
        {
            CheckKey(errors, () => ServiceAccountKey.CheckFile(CredentialsFile));
        }

        return errors.Select(error => new ValidationResult(error));
    }

    private void ValidateWorkloadIdentity(List<string> errors)
    {
        var federation = WorkloadIdentity;
        if (string.IsNullOrWhiteSpace(ProjectId))
        {
            errors.Add("Firestore:ProjectId must be set with Firestore:Auth=WorkloadIdentity (there is no key to read it from).");
        }

        if (federation.Provider is null)
        {
            errors.Add("Firestore:WorkloadIdentity:Audience must be //iam.googleapis.com/projects/<project number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>"
                + $" (got '{federation.Audience}').");
        }

        if (federation.ServiceAccountEmail is not { } email || !EmailAddress().IsMatch(email))
        {
            errors.Add("Firestore:WorkloadIdentity:ServiceAccountEmail must be the service account's e-mail, e.g. elevenlabs-sessions@<project>.iam.gserviceaccount.com"
                + $" (got '{federation.ServiceAccountEmail}').");
        }

        if (federation.AzureTokenScope is not { Length: > 0 } scope || scope.Any(char.IsWhiteSpace))
        {
            errors.Add("Firestore:WorkloadIdentity:AzureTokenScope must be the application ID URI the Google provider accepts, with /.default, e.g. api://elevenlabs-firestore/.default"
                + $" (got '{federation.AzureTokenScope}').");
        }

        if (!HttpUrlAttribute.IsHttpUrl(federation.StsUrl))
        {
            errors.Add("Firestore:WorkloadIdentity:StsUrl must be an absolute http(s) URL.");
        }

        if (federation.ImpersonationUrl is not null && !HttpUrlAttribute.IsHttpUrl(federation.ImpersonationUrl))
        {
            errors.Add("Firestore:WorkloadIdentity:ImpersonationUrl must be an absolute http(s) URL.");
        }
    }

    private static void CheckKey(List<string> errors, Action parse)
    {
        try
        {
            parse();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.Message);
        }
    }

    [GeneratedRegex("^[^@\\s/]+@[^@\\s/]+\\.[^@\\s/]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();
}

/// <summary>Checks <see cref="FirestoreOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class FirestoreOptionsValidator : IValidateOptions<FirestoreOptions>;

/// <summary>How the app proves to Google who it is: the values of <c>Firestore:Auth</c>.</summary>
[TypeConverter(typeof(LenientEnumConverter<FirestoreAuth>))]
public enum FirestoreAuth
{
    /// <summary>A long-lived Google service-account key (Key Vault, <c>Firestore:CredentialsJson</c> or <c>GOOGLE_APPLICATION_CREDENTIALS</c>).</summary>
    ServiceAccountKey,

    /// <summary>No key: the app's Azure managed identity, exchanged at Google STS, impersonating the service account.</summary>
    WorkloadIdentity,
}

/// <summary>
/// Settings of <c>Firestore:WorkloadIdentity</c>: which Google workload identity pool provider accepts the app's
/// Azure managed identity, and which service account it then acts as.
/// </summary>
public sealed partial class FirestoreWorkloadIdentityOptions
{
    public const string DefaultStsUrl = "https://sts.googleapis.com/v1/token";

    /// <summary>
    /// <c>Firestore:WorkloadIdentity:Audience</c>:
    /// <c>//iam.googleapis.com/projects/&lt;number&gt;/locations/global/workloadIdentityPools/&lt;pool&gt;/providers/&lt;provider&gt;</c>.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary><c>Firestore:WorkloadIdentity:ServiceAccountEmail</c>: the service account (with <c>roles/datastore.user</c>) to act as.</summary>
    public string? ServiceAccountEmail { get; set; }

    /// <summary>
    /// <c>Firestore:WorkloadIdentity:AzureTokenScope</c>: what the managed identity asks Entra ID for, e.g.
    /// <c>api://elevenlabs-firestore/.default</c> (the application ID URI the Google provider accepts as audience).
    /// </summary>
    public string? AzureTokenScope { get; set; }

    /// <summary><c>Firestore:WorkloadIdentity:StsUrl</c>: Google's Security Token Service token-exchange endpoint.</summary>
    public Uri StsUrl { get; set; } = new(DefaultStsUrl);

    /// <summary><c>Firestore:WorkloadIdentity:ImpersonationUrl</c>: else IAM credentials' <c>generateAccessToken</c> for the service account.</summary>
    public Uri? ImpersonationUrl { get; set; }

    /// <summary>The impersonation endpoint in use: the setting, or the documented one for <see cref="ServiceAccountEmail"/>.</summary>
    public Uri EffectiveImpersonationUrl => ImpersonationUrl
        ?? new Uri($"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{Uri.EscapeDataString(ServiceAccountEmail ?? "")}:generateAccessToken");

    /// <summary>The project number, pool and provider named by <see cref="Audience"/>, or null when it is not such a name.</summary>
    public (string ProjectNumber, string Pool, string Provider)? Provider =>
        Audience is not null && AudienceName().Match(Audience) is { Success: true } match
            ? (match.Groups["number"].Value, match.Groups["pool"].Value, match.Groups["provider"].Value)
            : null;

    [GeneratedRegex("^//iam\\.googleapis\\.com/projects/(?<number>[0-9]+)/locations/global/workloadIdentityPools/(?<pool>[a-z0-9-]{4,32})/providers/(?<provider>[a-z0-9-]{4,32})$",
        RegexOptions.CultureInvariant)]
    private static partial Regex AudienceName();
}
