namespace ElevenLabs.Functions.Auth;

/// <summary>Settings of <c>Auth:Oidc</c>.</summary>
public sealed class OidcAuthOptions
{
    /// <summary><c>Auth:Oidc:Authority</c>: the issuer's base URL; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public Uri? Authority { get; set; }

    /// <summary><c>Auth:Oidc:Audience</c>: the <c>aud</c> the tokens must carry (this API's id at the issuer).</summary>
    public string? Audience { get; set; }
}
