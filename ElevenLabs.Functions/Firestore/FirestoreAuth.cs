using System.ComponentModel;
using ElevenLabs.Functions.Hosting;

namespace ElevenLabs.Functions.Firestore;

/// <summary>How the app proves to Google who it is: the values of <c>Firestore:Auth</c>.</summary>
[TypeConverter(typeof(LenientEnumConverter<FirestoreAuth>))]
public enum FirestoreAuth
{
    /// <summary>A long-lived Google service-account key (Key Vault, <c>Firestore:CredentialsJson</c> or <c>GOOGLE_APPLICATION_CREDENTIALS</c>).</summary>
    ServiceAccountKey,

    /// <summary>No key: the app's Azure managed identity, exchanged at Google STS, impersonating the service account.</summary>
    WorkloadIdentity,
}
