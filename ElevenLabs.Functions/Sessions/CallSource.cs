namespace ElevenLabs.Functions.Sessions;

/// <summary>Who handed a call to <see cref="CallRecorder"/> (the call document's <c>source</c>).</summary>
public static class CallSource
{
    /// <summary>ElevenLabs' post-call webhook.</summary>
    public const string Webhook = "webhook";

    /// <summary>The reconcile pass of the sweep, from <c>GET /v1/convai/conversations/{id}</c>: the webhook never came.</summary>
    public const string Reconcile = "reconcile";
}
