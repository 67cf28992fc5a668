using System.ComponentModel;
using System.Globalization;

namespace ElevenLabs.Functions.Firestore;

/// <summary>How the app proves to Google who it is: the values of <c>Firestore:Auth</c>.</summary>
[TypeConverter(typeof(FirestoreAuthConverter))]
public enum FirestoreAuth
{
    /// <summary>A long-lived Google service-account key (Key Vault, <c>Firestore:CredentialsJson</c> or <c>GOOGLE_APPLICATION_CREDENTIALS</c>).</summary>
    ServiceAccountKey,

    /// <summary>No key: the app's Azure managed identity, exchanged at Google STS, impersonating the service account.</summary>
    WorkloadIdentity,
}

/// <summary>
/// Reads <c>Firestore:Auth</c> by name, ignoring case. Any other text becomes a value outside the enum, which
/// <see cref="FirestoreOptionsValidator"/> reports at start together with every other wrong setting.
/// </summary>
internal sealed class FirestoreAuthConverter() : EnumConverter(typeof(FirestoreAuth))
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text)
        {
            return base.ConvertFrom(context, culture, value);
        }

        foreach (var auth in Enum.GetValues<FirestoreAuth>())
        {
            if (string.Equals(auth.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return auth;
            }
        }

        return (FirestoreAuth)(-1);
    }
}
