namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>
/// A call's recording as ElevenLabs streams it (<c>GET /v1/convai/conversations/{id}/audio</c>): read
/// <see cref="Content"/> as it arrives, nothing buffered; disposing ends the response.
/// </summary>
public sealed class ConversationAudio(HttpResponseMessage response, Stream content) : IAsyncDisposable, IDisposable
{
    /// <summary>The MP3 bytes, as they arrive.</summary>
    public Stream Content { get; } = content;

    /// <summary>The answer's <c>Content-Type</c> (<c>audio/mpeg</c>).</summary>
    public string? ContentType => response.Content.Headers.ContentType?.MediaType;

    /// <summary>The size, when ElevenLabs says it (a chunked answer does not).</summary>
    public long? Length => response.Content.Headers.ContentLength;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        response.Dispose();
    }

    public void Dispose()
    {
        Content.Dispose();
        response.Dispose();
    }
}
