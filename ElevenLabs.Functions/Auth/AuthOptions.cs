using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Hosting;

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
