namespace ElevenLabs.Functions.Auth;

/// <summary>Settings of the <c>Auth</c> section: who may call the POST actions.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary><c>Auth:Mode</c>: <c>None</c> (default), <c>Firebase</c> or <c>Oidc</c>.</summary>
    public AuthMode Mode { get; set; } = AuthMode.None;

    public FirebaseAuthOptions Firebase { get; set; } = new();

    public OidcAuthOptions Oidc { get; set; } = new();

    /// <summary>
    /// <c>Auth:MetadataAddress</c>: the OpenID discovery document to take keys (and, for <c>Oidc</c>, the issuer) from,
    /// instead of the one the mode implies. For tests and private deployments.
    /// </summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary><c>Auth:RequireHttpsMetadata</c>: the discovery document and keys only over https (default true).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary><c>Auth:LegacySessions</c>: <c>Deny</c> (default) or <c>Allow</c> signed-in callers to use sessions without an owner.</summary>
    public LegacySessionAccess LegacySessions { get; set; } = LegacySessionAccess.Deny;

    public bool Enabled => Mode != AuthMode.None;

    /// <summary>Where the keys come from: <see cref="MetadataAddress"/>, else the mode's discovery document.</summary>
    public Uri DiscoveryDocument => MetadataAddress ?? Mode switch
    {
        AuthMode.Firebase => new Uri(Firebase.Issuer + "/.well-known/openid-configuration"),
        AuthMode.Oidc when Oidc.Authority is { } authority => new Uri(authority.ToString().TrimEnd('/') + "/.well-known/openid-configuration"),
        _ => throw new InvalidOperationException($"Auth:Mode {Mode} has no discovery document."),
    };
}
