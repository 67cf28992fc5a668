using System.ComponentModel;
using ElevenLabs.Functions.Hosting;

namespace ElevenLabs.Functions.Auth;

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
