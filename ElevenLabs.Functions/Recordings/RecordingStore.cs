using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Recordings;

/// <summary>
/// Calls' recordings in Azure Blob Storage: one MP3 blob per call, <c>{sessionId}/{elevenLabsConversationId}.mp3</c>, in
/// the private container of <c>Recordings:Container</c>. Written streaming (blocks of <see cref="BlockSize"/>, at most
/// <see cref="UploadConcurrency"/> in flight, committed at the end: a reader sees the whole recording or none, and a
/// failed write leaves what was stored before); read through short-lived links. With recordings off (neither setting),
/// writes and links throw <see cref="RecordingsDisabledException"/> and lookups find nothing.
/// </summary>
public sealed partial class RecordingStore
{
    public const string ContentType = "audio/mpeg";

    /// <summary>How long a link plays.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Each block staged holds this much of the recording in memory.</summary>
    public const int BlockSize = 4 * 1024 * 1024;

    public const int UploadConcurrency = 2;

    /// <summary>A link's start is set back this much: a browser's or Storage's clock a little behind still plays it.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A user delegation key is asked for this long and used until less than a link's lifetime is left.</summary>
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromHours(2);

    private readonly BlobServiceClient? _service;
    private readonly BlobContainerClient? _container;
    private readonly bool _userDelegation;
    private readonly TimeProvider _time;
    private readonly ILogger<RecordingStore> _logger;
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private UserDelegationKey? _key;
    private Task? _containerReady;

    /// <summary>
    /// <paramref name="service"/> null: recordings are off. <paramref name="userDelegation"/>: links are user-delegation
    /// SAS made with the client's token credential (Azure); otherwise service SAS signed with the connection string's key
    /// (Azurite, local runs only).
    /// </summary>
    public RecordingStore(BlobServiceClient? service, string container, bool userDelegation, TimeProvider time, ILogger<RecordingStore> logger)
    {
        _service = service;
        _container = service?.GetBlobContainerClient(container);
        _userDelegation = userDelegation;
        _time = time;
        _logger = logger;
    }

    public bool Enabled => _container is not null;

    /// <summary>
    /// Stores the recording read from <paramref name="audio"/> (the REST audio endpoint's stream, say), replacing one
    /// stored before; returns its size. Nothing is stored if the stream fails midway.
    /// </summary>
    /// <exception cref="RecordingsDisabledException">Recordings are off.</exception>
    /// <exception cref="RecordingStoreException">Blob Storage failed or refused.</exception>
    public async Task<long> WriteAsync(string sessionId, string elevenLabsConversationId, Stream audio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var blob = Blob(sessionId, elevenLabsConversationId);
        await EnsureContainerAsync(cancellationToken);
        var counted = new CountingStream(audio);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentType },
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = BlockSize,
                MaximumTransferSize = BlockSize,
                MaximumConcurrency = UploadConcurrency,
            },
        };
        await Storage(() => blob.UploadAsync(counted, options, cancellationToken), "write a recording");
        LogWritten(_logger, sessionId, elevenLabsConversationId, counted.Count);
        return counted.Count;
    }

    /// <summary>
    /// Stores the recording whose base64 text is read from <paramref name="base64Audio"/> (a <c>post_call_audio</c>
    /// event's <c>data.full_audio</c>), decoded on the fly; returns the recording's size.
    /// </summary>
    /// <exception cref="InvalidDataException">The text is not base64; nothing was stored.</exception>
    /// <exception cref="RecordingsDisabledException">Recordings are off.</exception>
    /// <exception cref="RecordingStoreException">Blob Storage failed or refused.</exception>
    public async Task<long> WriteBase64Async(string sessionId, string elevenLabsConversationId, Stream base64Audio, CancellationToken cancellationToken = default)
    {
        await using var decoded = new Base64DecodingStream(base64Audio, leaveOpen: true);
        return await WriteAsync(sessionId, elevenLabsConversationId, decoded, cancellationToken);
    }

    /// <summary>Whether the session has a recording of that call (false with recordings off).</summary>
    public async Task<bool> ExistsAsync(string sessionId, string elevenLabsConversationId, CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return false;
        }

        var blob = Blob(sessionId, elevenLabsConversationId);
        var exists = await Storage(() => blob.ExistsAsync(cancellationToken), "look a recording up");
        return exists.Value;
    }

    /// <summary>The session's recordings, by ElevenLabs conversation id (none with recordings off).</summary>
    public async Task<IReadOnlyList<StoredRecording>> ListAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return [];
        }

        var prefix = Prefix(sessionId);
        var found = new List<StoredRecording>();
        try
        {
            await Storage(async () =>
            {
                found.Clear();
                await foreach (var item in _container!.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
                {
                    if (item.Name.EndsWith(".mp3", StringComparison.Ordinal) && item.Name.IndexOf('/', prefix.Length) < 0)
                    {
                        found.Add(new StoredRecording(item.Name[prefix.Length..^4], item.Properties.ContentLength ?? 0));
                    }
                }

                return found;
            }, "list a session's recordings");
        }
        catch (RecordingStoreException ex) when (NoContainerYet(ex))
        {
            return []; // the container is made with the first recording: none is stored yet
        }

        return found;
    }

    /// <summary>Deletes every recording of the session; returns how many there were. Idempotent (0 with recordings off).</summary>
    public async Task<int> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return 0;
        }

        var prefix = Prefix(sessionId);
        var deleted = 0;
        try
        {
            await Storage(async () =>
            {
                await foreach (var item in _container!.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
                {
                    var response = await _container.GetBlobClient(item.Name)
                        .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
                    if (response.Value)
                    {
                        deleted++;
                    }
                }

                return deleted;
            }, "delete a session's recordings");
        }
        catch (RecordingStoreException ex) when (NoContainerYet(ex))
        {
            return 0; // nothing was ever stored: an erasure before the first recording has none to remove
        }

        LogDeleted(_logger, sessionId, deleted);
        return deleted;
    }

    private static bool NoContainerYet(RecordingStoreException ex) =>
        ex.InnerException is RequestFailedException { Status: 404, ErrorCode: var code } && code == BlobErrorCode.ContainerNotFound;

    /// <summary>
    /// A read-only link to the recording for <see cref="LinkLifetime"/>, that a browser's <c>&lt;audio&gt;</c> plays: in
    /// Azure a user-delegation SAS (the key asked for with the managed identity; no account key), locally a service SAS.
    /// </summary>
    /// <exception cref="RecordingsDisabledException">Recordings are off.</exception>
    /// <exception cref="RecordingNotFoundException">No such recording is stored.</exception>
    /// <exception cref="RecordingStoreException">Blob Storage failed or refused (the identity may lack the delegator role).</exception>
    public async Task<RecordingLink> GetLinkAsync(string sessionId, string elevenLabsConversationId, CancellationToken cancellationToken = default)
    {
        if (!await ExistsAsync(sessionId, elevenLabsConversationId, cancellationToken))
        {
            throw Enabled ? new RecordingNotFoundException(sessionId, elevenLabsConversationId) : new RecordingsDisabledException();
        }

        var blob = Blob(sessionId, elevenLabsConversationId);
        var now = _time.GetUtcNow();
        var expires = now + LinkLifetime;
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = now - ClockSkew,
            ContentType = ContentType,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };

        Uri url;
        if (_userDelegation)
        {
            var key = await DelegationKeyAsync(now, cancellationToken);
            url = new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, _service!.AccountName) }.ToUri();
        }
        else if (blob.CanGenerateSasUri)
        {
            url = blob.GenerateSasUri(sas); // local development only: the connection string's key
        }
        else
        {
            throw new RecordingStoreException(false, "Recordings:ConnectionString has no account key to sign a link with: use Recordings:BlobServiceUri (the managed identity).");
        }

        return new RecordingLink(url, expires);
    }

    /// <summary>The cached user delegation key, or a new one when less than a link's lifetime (and the skew) is left of it.</summary>
    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            if (_key is { } cached && cached.SignedStartsOn <= now - ClockSkew && cached.SignedExpiresOn >= now + LinkLifetime + ClockSkew)
            {
                return cached;
            }

            var response = await Storage(
                () => _service!.GetUserDelegationKeyAsync(now - ClockSkew, now + DelegationKeyLifetime, cancellationToken),
                "get a user delegation key");
            return _key = response.Value;
        }
        finally
        {
            _keyLock.Release();
        }
    }

    /// <summary>The container is created once per process if it is missing (Bicep makes it in Azure; Azurite starts empty).</summary>
    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_container is null)
        {
            throw new RecordingsDisabledException();
        }

        var ready = _containerReady;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            ready = _containerReady = CreateContainerAsync(cancellationToken);
        }

        return ready;
    }

    private async Task CreateContainerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _container!.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            // A role scoped to the container may not create it: it exists (Bicep made it), the write will tell.
        }
        catch (RequestFailedException ex)
        {
            throw Failure(ex, "create the recordings container");
        }
    }

    private BlobClient Blob(string sessionId, string elevenLabsConversationId)
    {
        if (_container is null)
        {
            throw new RecordingsDisabledException();
        }

        return _container.GetBlobClient(Prefix(sessionId) + Segment(elevenLabsConversationId, nameof(elevenLabsConversationId)) + ".mp3");
    }

    private static string Prefix(string sessionId) => Segment(sessionId, nameof(sessionId)) + "/";

    /// <summary>Ids as our sessions and ElevenLabs make them (letters, digits, '_' and '-'): one path segment as they are.</summary>
    private static string Segment(string id, string name) =>
        ConversationId.IsValid(id) ? id : throw new ArgumentException($"'{id}' is not a session or conversation id.", name);

    private static async Task<T> Storage<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException ex)
        {
            throw Failure(ex, what);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.OfType<RequestFailedException>().FirstOrDefault() is { } failed)
        {
            throw Failure(failed, what);
        }
    }

    private static RecordingStoreException Failure(RequestFailedException ex, string what)
    {
        var transient = ex.Status is 0 or 408 or 429 or >= 500;
        var code = string.IsNullOrEmpty(ex.ErrorCode) ? "" : $" ({ex.ErrorCode})";
        var text = ex.Status == 0 ? "could not be reached" : $"answered {ex.Status}{code}";
        return new RecordingStoreException(transient, $"Blob Storage {text} when asked to {what}.", ex);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the recording of ElevenLabs conversation {ElevenLabsConversationId} for session {ConversationId} ({Bytes} bytes)")]
    private static partial void LogWritten(ILogger logger, string conversationId, string elevenLabsConversationId, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} recordings of session {ConversationId}")]
    private static partial void LogDeleted(ILogger logger, string conversationId, int count);
}
