using System.Buffers;
using System.Text.Json;
using ElevenLabs.Functions.Recordings;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// ElevenLabs' <c>post_call_audio</c> event, <c>{"type","event_timestamp","data":{agent_id, conversation_id,
/// full_audio}}</c>, read from the verified spool without holding the recording: one pass finds where the
/// <c>full_audio</c> string lies, the rest of the event (a few hundred bytes) is parsed without it, and the base64 text
/// is then streamed from the spool, as it is read, into the recording's blob.
/// </summary>
public static class PostCallAudio
{
    public const string Type = "post_call_audio";

    private static readonly byte[] Key = "\"full_audio\""u8.ToArray();

    /// <summary>Where the <c>full_audio</c> string's text lies in the body (between its quotes), or null when it has none.</summary>
    public static async Task<(long Start, long End)?> FindAudioAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long position = 0;
            long start = -1;
            var matched = 0; // bytes of Key matched so far; then the state after it
            var state = State.Key;
            byte previous = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, 64 * 1024), cancellationToken)) > 0)
            {
                for (var i = 0; i < read; i++, position++)
                {
                    var b = buffer[i];
                    switch (state)
                    {
                        case State.Key:
                            if (b == Key[matched] && (matched > 0 || previous != (byte)'\\'))
                            {
                                if (++matched == Key.Length)
                                {
                                    (state, matched) = (State.Colon, 0);
                                }
                            }
                            else
                            {
                                matched = b == Key[0] && previous != (byte)'\\' ? 1 : 0;
                            }

                            break;
                        case State.Colon:
                            state = b == (byte)':' ? State.Quote : IsSpace(b) ? State.Colon : State.Key;
                            break;
                        case State.Quote:
                            if (b == (byte)'"')
                            {
                                (state, start) = (State.Text, position + 1);
                            }
                            else if (!IsSpace(b))
                            {
                                state = State.Key; // not a string: keep looking
                            }

                            break;
                        case State.Text:
                            if (b == (byte)'"' && previous != (byte)'\\')
                            {
                                return (start, position);
                            }

                            break;
                    }

                    previous = b;
                }
            }

            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><c>data.conversation_id</c> and the client's <c>session_id</c>, read from the event without its audio.</summary>
    /// <exception cref="JsonException">What is left is not JSON.</exception>
    public static async Task<(string? ElevenLabsConversationId, string? SessionIdHint)> ReadIdsAsync(Stream body, long audioStart, long audioEnd,
        CancellationToken cancellationToken)
    {
        await using var rest = new SpoolSlice(body, 0, audioStart, audioEnd, long.MaxValue);
        using var document = await JsonDocument.ParseAsync(rest, new JsonDocumentOptions { MaxDepth = WebhookEventType.MaxDepth }, cancellationToken);
        var data = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("data", out var d) ? d : default;
        string? Text(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var variables = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("conversation_initiation_client_data", out var init)
            && init.ValueKind == JsonValueKind.Object && init.TryGetProperty("dynamic_variables", out var v) ? v : default;
        return (Text(data, "conversation_id"), Text(variables, "session_id"));
    }

    /// <summary>The base64 text of the recording, read from the spool as it is consumed (<c>\/</c>, JSON's optional escape of '/', unescaped).</summary>
    public static Stream Audio(Stream body, long start, long end) => new SpoolSlice(body, start, end, long.MaxValue, long.MaxValue, unescapeSlash: true);

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private enum State
    {
        Key,
        Colon,
        Quote,
        Text,
    }

    /// <summary>
    /// Bytes [<c>from</c>, <c>skipFrom</c>) and [<c>skipTo</c>, <c>to</c>) of the spool, read forward only; the spool
    /// stays open.
    /// </summary>
    private sealed class SpoolSlice(Stream spool, long from, long skipFrom, long skipTo, long to, bool unescapeSlash = false) : ReadOnlyStream
    {
        private long _position = from;
        private bool _positioned;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length)
            {
                if (_position >= skipFrom && _position < skipTo)
                {
                    _position = skipTo;
                    _positioned = false;
                }

                var limit = _position < skipFrom ? Math.Min(skipFrom, to) : to;
                if (_position >= limit)
                {
                    break;
                }

                if (!_positioned)
                {
                    spool.Position = _position;
                    _positioned = true;
                }

                var want = (int)Math.Min(buffer.Length - written, limit - _position);
                var read = spool.Read(buffer.Slice(written, want));
                if (read == 0)
                {
                    break;
                }

                _position += read;
                if (unescapeSlash)
                {
                    read = Unescape(buffer.Slice(written, read));
                }

                written += read;
            }

            return written;
        }

        /// <summary>Drops the backslash of each <c>\/</c> in place (base64 holds no other escape); returns the new length.</summary>
        private static int Unescape(Span<byte> chunk)
        {
            var kept = 0;
            for (var i = 0; i < chunk.Length; i++)
            {
                if (chunk[i] != (byte)'\\')
                {
                    chunk[kept++] = chunk[i];
                }
            }

            return kept;
        }
    }
}
