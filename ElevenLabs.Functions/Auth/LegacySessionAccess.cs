using System.ComponentModel;
using ElevenLabs.Functions.Hosting;

namespace ElevenLabs.Functions.Auth;

/// <summary>With auth on, what a signed-in caller may do with a session that has no owner: <c>Auth:LegacySessions</c>.</summary>
[TypeConverter(typeof(LenientEnumConverter<LegacySessionAccess>))]
public enum LegacySessionAccess
{
    /// <summary>Nothing: it answers 404, as an unknown id does.</summary>
    Deny,

    /// <summary>Any signed-in caller may use it (sessions written before auth was on, or by the Cloud Function).</summary>
    Allow,
}
