using System.Text.RegularExpressions;

namespace ElevenLabs.Functions.Firestore;

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
