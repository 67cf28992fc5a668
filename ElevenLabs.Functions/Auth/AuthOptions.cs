using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Auth;

/// <summary>Settings of the <c>Auth</c> section: who may call the POST actions.</summary>
public sealed partial class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary><c>Auth:Mode</c>: <c>None</c> (default), <c>Firebase</c> or <c>Oidc</c>.</summary>
    [EnumDataType(typeof(AuthMode), ErrorMessage = "Auth:Mode must be None, Firebase or Oidc.")]
    public AuthMode Mode { get; set; } = AuthMode.None;

    public FirebaseAuthOptions Firebase { get; set; } = new();

    public OidcAuthOptions Oidc { get; set; } = new();

    /// <summary>
    /// <c>Auth:MetadataAddress</c>: the OpenID discovery document to take keys (and, for <c>Oidc</c>, the issuer) from,
    /// instead of the one the mode implies. For tests and private deployments.
    /// </summary>
    [HttpUrl(Optional = true)]
    public Uri? MetadataAddress { get; set; }

    /// <summary><c>Auth:RequireHttpsMetadata</c>: the discovery document and keys only over https (default true).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary><c>Auth:LegacySessions</c>: <c>Deny</c> (default) or <c>Allow</c> signed-in callers to use sessions without an owner.</summary>
    [EnumDataType(typeof(LegacySessionAccess), ErrorMessage = "Auth:LegacySessions must be Deny or Allow.")]
    public LegacySessionAccess LegacySessions { get; set; } = LegacySessionAccess.Deny;

    public bool Enabled => Mode != AuthMode.None;

    /// <summary>Where the keys come from: <see cref="MetadataAddress"/>, else the mode's discovery document.</summary>
    public Uri DiscoveryDocument => MetadataAddress ?? Mode switch
    {
        AuthMode.Firebase => new Uri(Firebase.Issuer + "/.well-known/openid-configuration"),
        AuthMode.Oidc when Oidc.Authority is { } authority => new Uri(authority.ToString().TrimEnd('/') + "/.well-known/openid-configuration"),
        _ => throw new InvalidOperationException($"Auth:Mode {Mode} has no discovery document."),
    };

    /// <summary>The rules that depend on <c>Auth:Mode</c> and <c>Auth:RequireHttpsMetadata</c>.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == AuthMode.Firebase && !FirebaseProjectId().IsMatch(Firebase.ProjectId ?? ""))
        {
            yield return new ValidationResult("Auth:Firebase:ProjectId must be a Firebase project id (6-30 characters of a-z, 0-9 and '-').");
        }

        if (Mode == AuthMode.Oidc && !HttpUrlAttribute.IsHttpUrl(Oidc.Authority))
        {
            yield return new ValidationResult("Auth:Oidc:Authority must be an absolute http(s) URL.");
        }

        if (Mode == AuthMode.Oidc && string.IsNullOrWhiteSpace(Oidc.Audience))
        {
            yield return new ValidationResult("Auth:Oidc:Audience must not be empty.");
        }

        if (Enabled && RequireHttpsMetadata && MetadataAddress is { Scheme: not "https" })
        {
            yield return new ValidationResult("Auth:MetadataAddress must be https unless Auth:RequireHttpsMetadata is false.");
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]{4,28}[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex FirebaseProjectId();
}

/// <summary>Checks <see cref="AuthOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>;

/// <summary>Who may call the POST actions: the values of <c>Auth:Mode</c>.</summary>
[TypeConverter(typeof(LenientEnumConverter<AuthMode>))]
public enum AuthMode
{
    /// <summary>Anyone (the Cloud Function's <c>--allow-unauthenticated</c>); a start-up warning outside Development.</summary>
    None,

    /// <summary>The web app's Firebase Authentication ID tokens.</summary>
    Firebase,

    /// <summary>Tokens of any OpenID Connect issuer (Microsoft Entra ID, Auth0, ...).</summary>
    Oidc,
}

/// <summary>Settings of <c>Auth:Firebase</c>.</summary>
public sealed class FirebaseAuthOptions
{
    /// <summary><c>Auth:Firebase:ProjectId</c>: the Firebase project whose ID tokens are accepted (issuer and audience).</summary>
    public string ProjectId { get; set; } = "replit-4f946";

    /// <summary>The issuer Firebase writes into this project's ID tokens.</summary>
    public string Issuer => "https://securetoken.google.com/" + ProjectId;
}

/// <summary>Settings of <c>Auth:Oidc</c>.</summary>
public sealed class OidcAuthOptions
{
    /// <summary><c>Auth:Oidc:Authority</c>: the issuer's base URL; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public Uri? Authority { get; set; }

    /// <summary><c>Auth:Oidc:Audience</c>: the <c>aud</c> the tokens must carry (this API's id at the issuer).</summary>
    public string? Audience { get; set; }
}

/// <summary>With auth on, what a signed-in caller may do with a session that has no owner: <c>Auth:LegacySessions</c>.</summary>
[TypeConverter(typeof(LenientEnumConverter<LegacySessionAccess>))]
public enum LegacySessionAccess
{
    /// <summary>Nothing: it answers 404, as an unknown id does.</summary>
    Deny,

    /// <summary>Any signed-in caller may use it (sessions written before auth was on, or by the Cloud Function).</summary>
    Allow,
}
