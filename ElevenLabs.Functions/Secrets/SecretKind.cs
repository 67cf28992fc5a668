namespace ElevenLabs.Functions.Secrets;

/// <summary>The secrets this app needs, by what they are for.</summary>
public enum SecretKind
{
    ElevenLabsApiKey,
    FirestoreCredentials,

    /// <summary>The secret ElevenLabs signs its post-call webhooks with.</summary>
    ElevenLabsWebhookSecret,
}
