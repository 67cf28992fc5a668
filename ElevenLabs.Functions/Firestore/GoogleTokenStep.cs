namespace ElevenLabs.Functions.Firestore;

/// <summary>The calls of workload identity federation, in order.</summary>
internal enum GoogleTokenStep
{
    /// <summary>Google STS: the Azure token for a federated token.</summary>
    Exchange,

    /// <summary>IAM credentials: the federated token for the service account's access token.</summary>
    Impersonation,
}
