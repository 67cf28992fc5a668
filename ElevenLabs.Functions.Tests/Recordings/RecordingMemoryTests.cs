using System.Globalization;
using System.Security.Cryptography;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Recordings;

/// <summary>
/// A 100 MB recording written into Azurite from each source (a <c>post_call_audio</c> event's base64 text, made on the
/// fly; ElevenLabs' audio endpoint, streamed), while the process's resident memory grows by far less than the
/// recording: it passes through in blocks. The bytes stored are the bytes sent (SHA-256 of both, streamed).
/// </summary>
[TestFixture]
public sealed class RecordingMemoryTests
{
    private const int HundredMegabytes = 100_000_000;

    /// <summary>Blocks in flight and their buffers, the decoder's chunks, the clients' buffers: well under half the recording.</summary>
    private const long MaxGrowthKiB = 40 * 1024;

    private RecordingsRig _rig = null!;
    private AppHost _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _rig = await RecordingsRig.StartAsync();
        _app = await _rig.StartAppAsync(null, null, ("Recordings:BlobServiceUri", _rig.Azurite.ServiceUri.ToString()));
        // The same paths, compiled and warm, and the container made.
        var store = _app.Services.GetRequiredService<RecordingStore>();
        await store.WriteBase64Async(ConversationId.NewId(), "conv_el_warm", new GeneratedBase64Stream(RecordingStore.BlockSize * 3, seed: 1));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Test]
    public async Task AHundredMegabyteRecordingFromBase64TextIsWrittenInFlatMemory()
    {
        var store = _app.Services.GetRequiredService<RecordingStore>();
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var source = new GeneratedBase64Stream(HundredMegabytes, seed: 42);

        var (written, growth, peakReset) = await MeasureAsync(() => store.WriteBase64Async(session, call, source));

        Report("from base64 text (post_call_audio)", growth, peakReset);
        Assert.That(written, Is.EqualTo(HundredMegabytes));
        Assert.That(await StoredHashAsync(store, session, call), Is.EqualTo(source.Hash), "the blob holds the decoded bytes");
        Assert.That(growth, Is.LessThan(MaxGrowthKiB), "KiB: the 100 MB recording must not be held in memory");
    }

    [Test]
    public async Task AHundredMegabyteRecordingFromElevenLabsAudioEndpointIsWrittenInFlatMemory()
    {
        var store = _app.Services.GetRequiredService<RecordingStore>();
        var elevenLabs = _app.Services.GetRequiredService<ElevenLabsClient>();
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var mp3 = new byte[HundredMegabytes];
        new Random(7).NextBytes(mp3); // held by the stand-in (and touched) before the measurement starts
        _rig.ElevenLabs.StoreConversation(call, audio: mp3);

        var (written, growth, peakReset) = await MeasureAsync(async () =>
        {
            await using var audio = await elevenLabs.GetConversationAudioAsync(call);
            return await store.WriteAsync(session, call, audio!.Content);
        });

        Report("from ElevenLabs' audio endpoint (REST stream)", growth, peakReset);
        Assert.That(written, Is.EqualTo(HundredMegabytes));
        Assert.That(await StoredHashAsync(store, session, call), Is.EqualTo(SHA256.HashData(mp3)), "the blob holds the served bytes");
        Assert.That(growth, Is.LessThan(MaxGrowthKiB), "KiB: the 100 MB recording must not be held in memory");
    }

    /// <summary>The write's result and how far resident memory rose above where it was before (KiB).</summary>
    private static async Task<(long Written, long GrowthKiB, bool PeakReset)> MeasureAsync(Func<Task<long>> write)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = Memory("VmRSS:");
        var peakReset = TryResetPeak();
        var written = await write();
        var peak = Memory("VmHWM:");
        return (written, peak - before, peakReset);
    }

    private static void Report(string source, long growthKiB, bool peakReset) =>
        TestContext.Progress.WriteLine($"RECORDING 100 MB {source}: resident memory grew {growthKiB / 1024.0:F1} MiB at its peak " +
            $"(peak {(peakReset ? "reset before the write" : "since start: /proc clear_refs was refused")})");

    private async Task<byte[]> StoredHashAsync(RecordingStore store, string session, string call)
    {
        var link = await store.GetLinkAsync(session, call);
        using var browser = new HttpClient(_rig.Azurite.TrustingHandler()) { Timeout = TimeSpan.FromMinutes(2) };
        using var response = await browser.GetAsync(link.Url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        return await SHA256.HashDataAsync(body);
    }

    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Memory(string key) =>
        long.Parse(File.ReadLines("/proc/self/status").Single(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>
    /// The base64 text of <paramref name="size"/> pseudo-random bytes, made as it is read (never all in memory), with
    /// the SHA-256 of the bytes it stands for once read to the end.
    /// </summary>
    private sealed class GeneratedBase64Stream(long size, int seed) : ReadOnlyStream
    {
        private const int RawChunk = 3 * 16 * 1024; // a multiple of 3: no padding inside the text
        private readonly Random _random = new(seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _raw = new byte[RawChunk];
        private readonly byte[] _text = new byte[RawChunk / 3 * 4];
        private long _made;
        private int _textStart;
        private int _textEnd;

        public byte[] Hash { get; private set; } = [];

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_textStart == _textEnd)
            {
                var n = (int)Math.Min(RawChunk, size - _made);
                if (n == 0)
                {
                    Hash = Hash.Length == 0 ? _hash.GetHashAndReset() : Hash;
                    return 0;
                }

                _random.NextBytes(_raw.AsSpan(0, n));
                _hash.AppendData(_raw.AsSpan(0, n));
                _made += n;
                System.Buffers.Text.Base64.EncodeToUtf8(_raw.AsSpan(0, n), _text, out _, out _textEnd);
                _textStart = 0;
            }

            var count = Math.Min(buffer.Length, _textEnd - _textStart);
            _text.AsSpan(_textStart, count).CopyTo(buffer);
            _textStart += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
