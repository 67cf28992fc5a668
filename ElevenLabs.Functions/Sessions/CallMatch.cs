namespace ElevenLabs.Functions.Sessions;

/// <summary>How a call was linked to its session: the <c>matchedBy</c> field of a stored call.</summary>
public static class CallMatch
{
    /// <summary>Its ElevenLabs id was one the session already had (issued with a signed URL).</summary>
    public const string ElevenLabsConversationId = "elevenLabsConversationId";

    /// <summary>Through the <c>session_id</c> dynamic variable the client passed on (a WebRTC call, say).</summary>
    public const string SessionId = "sessionId";
}
