using System.Text;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// A <c>post_call_audio</c> event of any size, made on the fly as it is read (its base64 audio is a repeated block), so
/// a test can send tens of MB without holding them. Read it twice (sign, then send) with two instances.
/// </summary>
public sealed class AudioEventStream : Stream
{
    private static readonly byte[] Block = Encoding.ASCII.GetBytes(Convert.ToBase64String(Enumerable.Range(0, 48 * 1024).Select(i => (byte)(i * 31)).ToArray()));
    private readonly byte[] _head;
    private readonly byte[] _tail = Encoding.ASCII.GetBytes("\"}}");
    private readonly long _audioBytes;
    private long _position;

    public AudioEventStream(string elevenLabsId, long totalBytes)
    {
        _head = Encoding.ASCII.GetBytes(
            $$"""{"type":"post_call_audio","event_timestamp":1764064800,"data":{"agent_id":"{{ElevenLabsEvents.AgentId}}","conversation_id":"{{elevenLabsId}}","full_audio":""" + "\"");
        _audioBytes = totalBytes - _head.Length - _tail.Length;
        _audioBytes -= _audioBytes % 4;
        Length = _head.Length + _audioBytes + _tail.Length;
    }

    public override long Length { get; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _position < Length)
        {
            byte[] source;
            int at;
            int available;
            if (_position < _head.Length)
            {
                (source, at, available) = (_head, (int)_position, _head.Length - (int)_position);
            }
            else if (_position < _head.Length + _audioBytes)
            {
                var offset = _position - _head.Length;
                at = (int)(offset % Block.Length);
                (source, available) = (Block, (int)Math.Min(Block.Length - at, _audioBytes - offset));
            }
            else
            {
                at = (int)(_position - _head.Length - _audioBytes);
                (source, available) = (_tail, _tail.Length - at);
            }

            var n = Math.Min(buffer.Length - written, available);
            source.AsSpan(at, n).CopyTo(buffer[written..]);
            written += n;
            _position += n;
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
