using System.Buffers;
using System.Buffers.Text;

namespace ElevenLabs.Functions.Recordings;

/// <summary>
/// A stream that is only read, front to back: what a recording passes through on its way to the blob. Derived streams
/// say how to read; everything else (seeking, writing, length, position) is not supported.
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// Reads the bytes a stream of base64 text (standard alphabet, padded; whitespace between groups ignored) stands for,
/// decoding as it goes: it holds one chunk of the text and its decoded bytes, never the whole, so a recording of any
/// size passes through in constant memory. Text that is not base64 (or ends mid-group) fails the read with
/// <see cref="InvalidDataException"/>. Read-only, forward-only.
/// </summary>
public sealed class Base64DecodingStream(Stream base64Text, bool leaveOpen = false) : ReadOnlyStream
{
    private const int ChunkSize = 64 * 1024;

    private readonly byte[] _text = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private readonly byte[] _decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(ChunkSize));
    private int _textLength;   // text read, not yet decoded (a group cut by a chunk's end, or whitespace)
    private int _decodedStart; // decoded bytes not yet handed out: _decoded[_decodedStart.._decodedEnd]
    private int _decodedEnd;
    private bool _textEnded;
    private bool _disposed;

    public override bool CanRead => !_disposed;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_decodedStart == _decodedEnd && !_textEnded)
        {
            var read = base64Text.Read(_text, _textLength, ChunkSize - _textLength);
            Decode(read);
        }

        return Hand(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_decodedStart == _decodedEnd && !_textEnded)
        {
            var read = await base64Text.ReadAsync(_text.AsMemory(_textLength, ChunkSize - _textLength), cancellationToken);
            Decode(read);
        }

        return Hand(buffer.Span);
    }

    /// <summary>Decodes what is held after <paramref name="read"/> more bytes of text came (0: the text ended).</summary>
    private void Decode(int read)
    {
        _textEnded = read == 0;
        _textLength += read;
        // Padding ('=') may only end the text: until the text has ended, the group holding it waits (with what follows it).
        var decodable = _textLength;
        if (!_textEnded && _text.AsSpan(0, _textLength).IndexOf((byte)'=') is var padding and >= 0)
        {
            decodable = Math.Max(0, padding - 3);
        }

        var status = Base64.DecodeFromUtf8(_text.AsSpan(0, decodable), _decoded, out var consumed, out var written, isFinalBlock: _textEnded);
        if (status == OperationStatus.InvalidData || (_textEnded && status != OperationStatus.Done))
        {
            throw new InvalidDataException("The recording's base64 text is not valid base64 (or ends mid-group).");
        }

        if (consumed == 0 && _textLength == ChunkSize)
        {
            throw new InvalidDataException("The recording's base64 text has a chunk of nothing but whitespace.");
        }

        // Keep what could not be decoded yet (at most a cut group and whitespace) at the front for the next chunk.
        _text.AsSpan(consumed, _textLength - consumed).CopyTo(_text);
        _textLength -= consumed;
        _decodedStart = 0;
        _decodedEnd = written;
    }

    private int Hand(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _decodedEnd - _decodedStart);
        _decoded.AsSpan(_decodedStart, count).CopyTo(buffer);
        _decodedStart += count;
        return count;
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_text);
            ArrayPool<byte>.Shared.Return(_decoded);
            if (disposing && !leaveOpen)
            {
                base64Text.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}

/// <summary>Reads another stream through, counting the bytes (a recording's size, known only once it is written).</summary>
internal sealed class CountingStream(Stream inner) : ReadOnlyStream
{
    public long Count { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    private int Counted(int read)
    {
        Count += read;
        return read;
    }
}
