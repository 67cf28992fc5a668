using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// A webhook body read once: streamed through HMAC-SHA256 (one per candidate key) while it is spooled, in memory up to
/// <see cref="MemoryThreshold"/> bytes and to a temporary file (deleted on dispose) beyond. Nothing of it is parsed
/// before the signature is checked.
/// </summary>
public sealed class WebhookBody : IAsyncDisposable
{
    /// <summary>The most ElevenLabs' events are allowed to be.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>Bodies up to this size stay in memory (a transcription event is well under it); larger ones go to a file.</summary>
    public const int MemoryThreshold = 1024 * 1024;

    private const int ChunkBytes = 64 * 1024;

    private Stream _spool;

    private WebhookBody(Stream spool, long length, IReadOnlyList<byte[]> macs)
    {
        _spool = spool;
        Length = length;
        Macs = macs;
    }

    public long Length { get; }

    /// <summary>HMAC-SHA256 of <c>"{t}.{body}"</c> under each key, in the order the keys were given.</summary>
    public IReadOnlyList<byte[]> Macs { get; }

    /// <summary>The body spooled to a file rather than kept in memory.</summary>
    public bool OnDisk => _spool is FileStream;

    /// <exception cref="WebhookBodyTooLargeException">More than <see cref="MaxBytes"/> arrived.</exception>
    public static async Task<WebhookBody> ReadAsync(Stream body, string signedPrefix, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken)
    {
        var prefix = Encoding.ASCII.GetBytes(signedPrefix);
        var hmacs = keys.Select(key => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key)).ToList();
        Stream spool = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            foreach (var hmac in hmacs)
            {
                hmac.AppendData(prefix);
            }

            long length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBytes)
                {
                    throw new WebhookBodyTooLargeException();
                }

                var chunk = buffer.AsSpan(0, read);
                foreach (var hmac in hmacs)
                {
                    hmac.AppendData(chunk);
                }

                if (spool is MemoryStream memory && memory.Length + read > MemoryThreshold)
                {
                    spool = await ToFileAsync(memory, cancellationToken);
                }

                await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            var macs = hmacs.Select(hmac => hmac.GetHashAndReset()).ToList();
            spool.Position = 0;
            var result = new WebhookBody(spool, length, macs);
            spool = null!;
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (var hmac in hmacs)
            {
                hmac.Dispose();
            }

            if (spool is not null)
            {
                await spool.DisposeAsync();
            }
        }
    }

    /// <summary>HMAC-SHA256 of <c>"{t}.{body}"</c> under another key, read back from the spool (a key learnt after reading).</summary>
    public async Task<byte[]> MacAsync(string signedPrefix, byte[] key, CancellationToken cancellationToken)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.ASCII.GetBytes(signedPrefix));
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            _spool.Position = 0;
            int read;
            while ((read = await _spool.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                hmac.AppendData(buffer, 0, read);
            }

            return hmac.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _spool.Position = 0;
        }
    }

    /// <summary>The body from its start; the caller must not dispose it.</summary>
    public Stream Open()
    {
        _spool.Position = 0;
        return _spool;
    }

    public ValueTask DisposeAsync() => _spool.DisposeAsync();

    private static async Task<Stream> ToFileAsync(MemoryStream memory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "elevenlabs-webhook-" + Guid.NewGuid().ToString("N") + ".tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, ChunkBytes,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous | FileOptions.SequentialScan);
        try
        {
            memory.Position = 0;
            await memory.CopyToAsync(file, cancellationToken);
            await memory.DisposeAsync();
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A webhook body went over <see cref="WebhookBody.MaxBytes"/>; reading stopped there.</summary>
public sealed class WebhookBodyTooLargeException()
    : Exception($"The webhook body is larger than {WebhookBody.MaxBytes / (1024 * 1024)} MiB.");
