namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>A signed WebSocket URL (a credential for 15 minutes) and ElevenLabs' conversation id, if it carried one.</summary>
public sealed record SignedUrl(string Url, string? ConversationId)
{
    /// <summary>The URL without its query (where the token lives): safe to log.</summary>
    public string Redacted => Redact(Url);

    public override string ToString() => Redacted;

    public static string Redact(string url)
    {
        var query = url.IndexOfAny(['?', '#']);
        return query < 0 ? url : url[..query] + "?[redacted]";
    }
}
