using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Recordings;

/// <summary>
/// The recording store of the app as <c>Program</c> composes it, against Azurite over HTTPS: Azure's form
/// (<c>Recordings:BlobServiceUri</c>, the managed identity's bearer token, user-delegation links) and the local form
/// (<c>Recordings:ConnectionString</c>, service-SAS links). Links are fetched with a plain HttpClient, as a browser would.
/// </summary>
[TestFixture]
public sealed class RecordingStoreTests
{
    private RecordingsRig _rig = null!;
    private AppHost _identityApp = null!;
    private AppHost _connectionStringApp = null!;
    private AppHost _offApp = null!;

    private Azurite Azurite => _rig.Azurite;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _rig = await RecordingsRig.StartAsync();
        _identityApp = await StartAppAsync(("Recordings:BlobServiceUri", Azurite.ServiceUri.ToString()));
        _connectionStringApp = await StartAppAsync(("Recordings:ConnectionString", Azurite.ConnectionString), ("Recordings:Container", "local-recordings"));
        _offApp = await StartAppAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [SetUp]
    public void Reset() => _rig.ElevenLabs.Reset();

    private Task<AppHost> StartAppAsync(params (string Key, string? Value)[] settings) => StartAppAsync(null, settings);

    private Task<AppHost> StartAppAsync(TimeProvider? time, params (string Key, string? Value)[] settings) => _rig.StartAppAsync(time, null, settings);

    private static RecordingStore Store(AppHost app) => app.Services.GetRequiredService<RecordingStore>();

    private HttpClient Browser() => new(Azurite.TrustingHandler());

    [Test]
    public async Task ARecordingWrittenFromAStreamPlaysThroughAUserDelegationLinkMadeWithTheIdentity()
    {
        var store = Store(_identityApp);
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var audio = RandomNumberGenerator.GetBytes(RecordingStore.BlockSize * 2 + 12345); // three blocks, the last one short

        var written = await store.WriteAsync(session, call, new ForwardOnlyStream(new MemoryStream(audio), 100_000));
        var link = await store.GetLinkAsync(session, call);

        Assert.That(written, Is.EqualTo(audio.Length));
        var query = HttpUtility.ParseQueryString(link.Url.Query);
        Assert.Multiple(() =>
        {
            Assert.That(link.Url.AbsolutePath, Is.EqualTo($"/{Azurite.AccountName}/{RecordingsOptions.DefaultContainer}/{session}/{call}.mp3"));
            Assert.That(query["skoid"], Is.EqualTo(((Azurite.EntraTokenCredential)Azurite.Credential).ObjectId), "a user-delegation SAS, signed with the identity's key");
            Assert.That(query["sp"], Is.EqualTo("r"), "read only");
            Assert.That(query["sr"], Is.EqualTo("b"), "this blob only");
            Assert.That(query["spr"], Is.EqualTo("https"));
            Assert.That(link.ExpiresAt - DateTimeOffset.UtcNow, Is.EqualTo(TimeSpan.FromMinutes(15)).Within(TimeSpan.FromMinutes(1)));
            Assert.That(link.ToString(), Does.Not.Contain("sig"), "a link never prints");
            Assert.That(((Azurite.EntraTokenCredential)Azurite.Credential).Scopes, Does.Contain("https://storage.azure.com/.default"));
        });

        using var browser = Browser();
        using var response = await browser.GetAsync(link.Url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("audio/mpeg"), "what an <audio> element plays");
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(audio));
        Assert.That(_identityApp.LogText(), Does.Not.Contain(query["sig"]!), "the link's signature is never logged");
    }

    [Test]
    public async Task ARecordingWrittenFromBase64TextIsDecodedOnTheWayIntoTheBlob()
    {
        var store = Store(_identityApp);
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var audio = RandomNumberGenerator.GetBytes(5_000_001);
        var text = Encoding.ASCII.GetBytes(Convert.ToBase64String(audio));

        // 7,777-byte reads: base64 groups are cut across reads.
        var written = await store.WriteBase64Async(session, call, new ForwardOnlyStream(new MemoryStream(text), 7_777));

        Assert.That(written, Is.EqualTo(audio.Length));
        Assert.That(await DownloadAsync(await store.GetLinkAsync(session, call)), Is.EqualTo(audio));
        var listed = await store.ListAsync(session);
        Assert.That(listed.Select(r => (r.ElevenLabsConversationId, r.Bytes)), Is.EqualTo(new[] { (call, (long)audio.Length) }));
    }

    [Test]
    public async Task TextThatIsNotBase64StoresNothingAndKeepsTheRecordingStoredBefore()
    {
        var store = Store(_identityApp);
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var before = RandomNumberGenerator.GetBytes(300_000);
        await store.WriteAsync(session, call, new MemoryStream(before));
        var broken = Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(RecordingStore.BlockSize * 2)) + "!!not base64!!");

        Assert.ThrowsAsync<InvalidDataException>(() => store.WriteBase64Async(session, call, new MemoryStream(broken)));

        Assert.That(await DownloadAsync(await store.GetLinkAsync(session, call)), Is.EqualTo(before));
    }

    [Test]
    public async Task AStreamThatFailsMidwayStoresNothing()
    {
        var store = Store(_identityApp);
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var audio = new FailingStream(RecordingStore.BlockSize * 3);

        Assert.ThrowsAsync<IOException>(() => store.WriteAsync(session, call, audio));

        Assert.That(await store.ExistsAsync(session, call), Is.False, "no half recording");
        Assert.ThrowsAsync<RecordingNotFoundException>(() => store.GetLinkAsync(session, call));
    }

    [Test]
    public async Task TheLinkPlaysForFifteenMinutesAndIsRefusedAfter()
    {
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var audio = RandomNumberGenerator.GetBytes(50_000);
        await Store(_identityApp).WriteAsync(session, call, new MemoryStream(audio));

        // Links made 10 and 20 minutes ago (the app's clock set back; Azurite checks them against the real time).
        var tenMinutesAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        var twentyMinutesAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var recent = await StartAppAsync(tenMinutesAgo, ("Recordings:BlobServiceUri", Azurite.ServiceUri.ToString()));
        await using var old = await StartAppAsync(twentyMinutesAgo, ("Recordings:BlobServiceUri", Azurite.ServiceUri.ToString()));
        var stillValid = await Store(recent).GetLinkAsync(session, call);
        var expired = await Store(old).GetLinkAsync(session, call);

        using var browser = Browser();
        using var valid = await browser.GetAsync(stillValid.Url);
        using var refused = await browser.GetAsync(expired.Url);
        Assert.That(valid.StatusCode, Is.EqualTo(HttpStatusCode.OK), "made 10 minutes ago: 5 left");
        Assert.That(await valid.Content.ReadAsByteArrayAsync(), Is.EqualTo(audio));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "made 20 minutes ago: expired 5 minutes ago");
    }

    [Test]
    public async Task DeletingASessionsRecordingsRemovesThemAndTheirLinksStopPlaying()
    {
        var store = Store(_identityApp);
        var (session, other) = (ConversationId.NewId(), ConversationId.NewId());
        var (first, second) = ("conv_el_" + Guid.NewGuid().ToString("N"), "conv_el_" + Guid.NewGuid().ToString("N"));
        await store.WriteAsync(session, first, new MemoryStream(RandomNumberGenerator.GetBytes(1000)));
        await store.WriteAsync(session, second, new MemoryStream(RandomNumberGenerator.GetBytes(2000)));
        var kept = RandomNumberGenerator.GetBytes(3000);
        await store.WriteAsync(other, first, new MemoryStream(kept));
        var link = await store.GetLinkAsync(session, first);
        Assert.That((await store.ListAsync(session)).Select(r => r.ElevenLabsConversationId), Is.EquivalentTo(new[] { first, second }));

        var deleted = await store.DeleteSessionAsync(session);

        Assert.That(deleted, Is.EqualTo(2));
        Assert.That(await store.ListAsync(session), Is.Empty);
        Assert.That(await store.ExistsAsync(session, first), Is.False);
        Assert.ThrowsAsync<RecordingNotFoundException>(() => store.GetLinkAsync(session, second));
        using var browser = Browser();
        using var gone = await browser.GetAsync(link.Url);
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the blob is gone, not just unlisted");
        Assert.That(await DownloadAsync(await store.GetLinkAsync(other, first)), Is.EqualTo(kept), "another session's recording stays");
        Assert.That(await store.DeleteSessionAsync(session), Is.EqualTo(0), "deleting again is done already");
    }

    [Test]
    public async Task TheConnectionStringFormForLocalRunsWritesAndLinksWithAServiceSas()
    {
        var store = Store(_connectionStringApp);
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var audio = RandomNumberGenerator.GetBytes(100_000);

        await store.WriteAsync(session, call, new MemoryStream(audio));
        var link = await store.GetLinkAsync(session, call);

        Assert.That(link.Url.AbsolutePath, Does.StartWith($"/{Azurite.AccountName}/local-recordings/{session}/"));
        Assert.That(HttpUtility.ParseQueryString(link.Url.Query)["skoid"], Is.Null, "signed with the connection string's key, not a delegation key");
        Assert.That(await DownloadAsync(link), Is.EqualTo(audio));
    }

    [Test]
    public async Task WithNeitherSettingRecordingsAreOffAndTheStoreSaysSo()
    {
        var store = Store(_offApp);
        var session = ConversationId.NewId();

        Assert.That(store.Enabled, Is.False);
        Assert.ThrowsAsync<RecordingsDisabledException>(() => store.WriteAsync(session, "conv_el_x", new MemoryStream([1, 2, 3])));
        Assert.ThrowsAsync<RecordingsDisabledException>(() => store.WriteBase64Async(session, "conv_el_x", new MemoryStream("AQID"u8.ToArray())));
        Assert.ThrowsAsync<RecordingsDisabledException>(() => store.GetLinkAsync(session, "conv_el_x"));
        Assert.That(await store.ExistsAsync(session, "conv_el_x"), Is.False);
        Assert.That(await store.ListAsync(session), Is.Empty);
        Assert.That(await store.DeleteSessionAsync(session), Is.EqualTo(0));
    }

    [Test]
    public async Task ARecordingCopiedFromElevenLabsAudioEndpointIsTheMp3ItServed()
    {
        var store = Store(_identityApp);
        var elevenLabs = _identityApp.Services.GetRequiredService<ElevenLabsClient>();
        var (session, call) = (ConversationId.NewId(), "conv_el_" + Guid.NewGuid().ToString("N"));
        var mp3 = RandomNumberGenerator.GetBytes(RecordingStore.BlockSize + 777);
        _rig.ElevenLabs.StoreConversation(call, audio: mp3, sessionId: session);

        await using (var audio = await elevenLabs.GetConversationAudioAsync(call))
        {
            Assert.That(audio, Is.Not.Null);
            Assert.That(audio!.ContentType, Is.EqualTo("audio/mpeg"));
            await store.WriteAsync(session, call, audio.Content);
        }

        Assert.That(await DownloadAsync(await store.GetLinkAsync(session, call)), Is.EqualTo(mp3));
    }

    [TestCase("BlobServiceUri", "http://storage.example.com/", "absolute https URL")]
    [TestCase("Container", "Interview_Recordings", "Recordings:Container")]
    [TestCase("Container", "ab", "Recordings:Container")]
    public void AWrongSettingStopsTheStartNamingIt(string setting, string value, string message)
    {
        var failure = Assert.CatchAsync(() => StartAppAsync(($"Recordings:{setting}", value)));

        Assert.That(string.Join("\n", Program.ConfigurationFailures(failure!)), Does.Contain(message));
    }

    [Test]
    public void BothFormsAtOnceStopTheStart()
    {
        var failure = Assert.CatchAsync(() => StartAppAsync(("Recordings:BlobServiceUri", Azurite.ServiceUri.ToString()), ("Recordings:ConnectionString", Azurite.ConnectionString)));

        Assert.That(string.Join("\n", Program.ConfigurationFailures(failure!)), Does.Contain("not both"));
    }

    private async Task<byte[]> DownloadAsync(RecordingLink link)
    {
        using var browser = Browser();
        using var response = await browser.GetAsync(link.Url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>A stream as a network answer is: no length, no seeking, reads of at most <paramref name="maxRead"/> bytes.</summary>
    internal sealed class ForwardOnlyStream(Stream inner, int maxRead) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxRead));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
    }

    /// <summary>Random bytes, then a broken connection after <paramref name="failAfter"/> bytes.</summary>
    private sealed class FailingStream(long failAfter) : ReadOnlyStream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= failAfter)
            {
                throw new IOException("The connection was reset.");
            }

            var n = (int)Math.Min(count, failAfter - _read);
            RandomNumberGenerator.Fill(buffer.AsSpan(offset, n));
            _read += n;
            return n;
        }
    }
}
