using System.Net.Http.Headers;
using System.Text.Json;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// Sessions as documents of one collection, over the Firestore REST API v1. Creates never overwrite
/// (a <c>:commit</c> under <c>currentDocument.exists: false</c>, which also counts the session for the daily quota), updates never create and touch only the named fields
/// (<c>updateMask</c> + <c>currentDocument</c> precondition), lookups by other fields are <c>:runQuery</c>
/// structured queries. Errors branch on <c>error.status</c>.
/// </summary>
public sealed partial class FirestoreSessionStore(
    HttpClient http,
    FirestoreConnection connection,
    IOptions<FirestoreOptions> options,
    ILogger<FirestoreSessionStore> logger) : ISessionStore
{
    private const string StatusField = "status";
    private const string UpdatedAtField = "updatedAt";
    private const string ElevenLabsIdField = "elevenLabsConversationId";
    private const string ElevenLabsIdsField = "elevenLabsConversationIds";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    /// <summary>The document readiness reads (no session has it: the server makes <c>conv_</c> ids).</summary>
    public const string ProbeDocumentId = "readiness-probe";

    private readonly string _collection = options.Value.Collection;
    private readonly string _usageCollection = options.Value.UsageCollection;

    public string Name => $"Firestore (collection {_collection}, daily counts in {_usageCollection}; authenticated by {connection.Description})";

    /// <summary>
    /// Creates the document by one <c>:commit</c>: the whole session under <c>currentDocument.exists: false</c> (never an
    /// overwrite) and, with <paramref name="count"/>, the caller's usage document incremented by one (<see cref="UsageDocument"/>),
    /// atomically. A create is not idempotent, but it is retried: when its answer was lost, the retry finds
    /// ALREADY_EXISTS (and, failing as a whole, counts nothing); when it timed out, it may still have landed. Both read
    /// the document back, and if it is the one this create wrote (<see cref="Session.IsCreatedFrom"/>), the create succeeded,
    /// counted once by the commit that landed; someone else's document is a conflict.
    /// </summary>
    public async Task<CreatedSession> CreateAsync(Session session, DailyCount? count = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        FirestorePaths.Document(_collection, session.ConversationId); // validates the id before any name exists
        var database = await connection.DatabaseAsync(cancellationToken);
        var body = FirestoreCommit.Body(w =>
        {
            FirestoreCommit.Create(w, database.DocumentName(_collection, session.ConversationId), f => SessionDocument.WriteFields(f, session));
            if (count is not null)
            {
                UsageDocument.WriteIncrement(w, database, _usageCollection, count, 1);
            }
        });
        try
        {
            using var response = await SendAsync(HttpMethod.Post, database.CommitUrl, body, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return await CommittedAsync(response, count is not null, cancellationToken);
            }

            var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
            if (error.Status != "ALREADY_EXISTS")
            {
                throw Failure(error, "create");
            }
        }
        catch (SessionStoreException ex) when (ex.Failure == SessionStoreFailure.Unavailable)
        {
            // Timed out or cut off, perhaps after Firestore applied it: look before answering.
            if (await VersionIfCreatedAsync(session, cancellationToken) is { } version)
            {
                return new CreatedSession(version, null);
            }

            throw;
        }

        return await VersionIfCreatedAsync(session, cancellationToken) is { } landed
            ? new CreatedSession(landed, null)
            : throw new SessionConflictException(session.ConversationId, $"Session '{session.ConversationId}' already exists.");
    }

    /// <summary>
    /// One <c>:commit</c>: the session's delete under <c>currentDocument.updateTime</c> = <paramref name="version"/>, and
    /// the usage document's increment by -1. A precondition that fails is looked into: the document gone means an
    /// earlier attempt of this commit landed (its answer lost), which is a success.
    /// </summary>
    public async Task DeleteCreatedAsync(string conversationId, string version, DailyCount? count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        FirestorePaths.Document(_collection, conversationId); // validates the id before any name exists
        var database = await connection.DatabaseAsync(cancellationToken);
        var body = FirestoreCommit.Body(w =>
        {
            FirestoreCommit.Delete(w, database.DocumentName(_collection, conversationId), version);
            if (count is not null)
            {
                UsageDocument.WriteIncrement(w, database, _usageCollection, count, -1);
            }
        });
        using var response = await SendAsync(HttpMethod.Post, database.CommitUrl, body, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
        if (error.Status is not ("FAILED_PRECONDITION" or "NOT_FOUND"))
        {
            throw Failure(error, "delete of a session just created");
        }

        if (await GetAsync(conversationId, cancellationToken) is not null)
        {
            throw new SessionConflictException(conversationId, $"Session '{conversationId}' changed since it was created.");
        }
    }

    /// <summary>The session's version (<c>writeResults[0].updateTime</c>) and, when counted, the count after it (<c>writeResults[1]</c>'s transform result).</summary>
    private static async Task<CreatedSession> CommittedAsync(HttpResponseMessage response, bool counted, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var version = FirestoreCommit.WriteResult(document.RootElement, 0) is { ValueKind: JsonValueKind.Object } written
            && written.TryGetProperty("updateTime", out var updateTime) && updateTime.ValueKind == JsonValueKind.String
                ? updateTime.GetString()!
                : throw new SessionStoreException(SessionStoreFailure.Failed, "Firestore's commit answered without the session's updateTime.");
        if (!counted)
        {
            return new CreatedSession(version, null);
        }

        return UsageDocument.ReadCount(FirestoreCommit.WriteResult(document.RootElement, 1)) is { } count
            ? new CreatedSession(version, count)
            : throw new SessionStoreException(SessionStoreFailure.Failed, "Firestore's commit answered without the count's transform result.");
    }

    /// <summary>The stored document's version if it is the one <paramref name="written"/> made, else null.</summary>
    /// <exception cref="SessionStoreException">It cannot be read: the create's outcome is unknown (<see cref="SessionStoreException.OutcomeUnknown"/>).</exception>
    private async Task<string?> VersionIfCreatedAsync(Session written, CancellationToken cancellationToken)
    {
        try
        {
            if (await GetAsync(written.ConversationId, cancellationToken) is { } stored && stored.Session.IsCreatedFrom(written))
            {
                LogCreateFoundLanded(logger, written.ConversationId);
                return stored.Version;
            }
        }
        catch (SessionStoreException ex)
        {
            throw new SessionStoreException(SessionStoreFailure.Unavailable,
                $"Whether session '{written.ConversationId}' was stored is unknown: Firestore did not answer the create, nor the read-back.", ex)
            {
                OutcomeUnknown = true,
            };
        }

        return null;
    }

    public async Task<StoredSession?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var url = (await connection.DatabaseAsync(cancellationToken)).Url(FirestorePaths.Document(_collection, conversationId));
        using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return SessionDocument.Read(document.RootElement);
        }

        var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
        return error.Status == "NOT_FOUND" ? null : throw Failure(error, "read");
    }

    /// <summary>A GET of a document that need not exist: NOT_FOUND is a healthy answer; a refusal or an outage is not.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken = default)
    {
        var url = (await connection.DatabaseAsync(cancellationToken)).Url(FirestorePaths.Document(_collection, ProbeDocumentId));
        using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken);
        if (!response.IsSuccessStatusCode && await FirestoreErrors.ReadAsync(response, cancellationToken) is { Status: not "NOT_FOUND" } error)
        {
            throw Failure(error, "read");
        }
    }

    public async Task<string> UpdateAsync(string conversationId, SessionChanges changes, string? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var document = FirestorePaths.Document(_collection, conversationId);
        var (body, paths) = SessionDocument.WriteChanges(changes);
        var query = string.Join('&', paths.Select(p => "updateMask.fieldPaths=" + Uri.EscapeDataString(p)));
        query += expectedVersion is null
            ? "&currentDocument.exists=true"
            : "&currentDocument.updateTime=" + Uri.EscapeDataString(expectedVersion);
        var url = (await connection.DatabaseAsync(cancellationToken)).Url(document + "?" + query);
        using var response = await SendAsync(HttpMethod.Patch, url, body, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return await UpdateTimeAsync(response, cancellationToken);
        }

        var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
        throw error.Status switch
        {
            "NOT_FOUND" => new SessionNotFoundException(conversationId),
            "FAILED_PRECONDITION" when expectedVersion is not null =>
                new SessionConflictException(conversationId, $"Session '{conversationId}' changed since it was read."),
            _ => Failure(error, "update"),
        };
    }

    /// <summary>
    /// One query: <c>elevenLabsConversationIds ARRAY_CONTAINS id OR elevenLabsConversationId == id</c> (each a
    /// single-field index, which Firestore keeps for every field).
    /// </summary>
    public async Task<StoredSession?> FindByElevenLabsConversationIdAsync(string elevenLabsConversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(elevenLabsConversationId);
        var query = new FirestoreQuery(_collection)
        {
            Where = FirestoreFilter.Or(
                FirestoreFilter.String(ElevenLabsIdsField, "ARRAY_CONTAINS", elevenLabsConversationId),
                FirestoreFilter.String(ElevenLabsIdField, "EQUAL", elevenLabsConversationId)),
            Limit = 1,
        };
        var found = await RunQueryAsync(query, "query by ElevenLabs conversation id", cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>
    /// <c>status == "active" AND updatedAt &lt; cutoff ORDER BY updatedAt LIMIT n</c>: equality on one field and a
    /// range on another, so Firestore needs the composite index (status, updatedAt) from infra/firestore.indexes.json.
    /// </summary>
    public Task<IReadOnlyList<StoredSession>> FindIdleAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var query = new FirestoreQuery(_collection)
        {
            Where = FirestoreFilter.And(
                FirestoreFilter.String(StatusField, "EQUAL", SessionStatus.Active),
                FirestoreFilter.Timestamp(UpdatedAtField, "LESS_THAN", updatedBefore)),
            OrderBy = [(UpdatedAtField, false)],
            Limit = limit,
        };
        return RunQueryAsync(query, "query for idle sessions", cancellationToken);
    }

    /// <summary>
    /// The call's transcript parts first (full writes: a repeated delivery writes the same), then the call's document
    /// as a create, which a repeated delivery finds existing and leaves as it is: the last step, so a delivery that
    /// failed half-way is completed by ElevenLabs' retry.
    /// </summary>
    public async Task<bool> CreateCallAsync(CallRecord call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!FirestorePaths.IsValidDocumentId(call.ElevenLabsConversationId))
        {
            throw new ArgumentException($"'{call.ElevenLabsConversationId}' cannot name a document.", nameof(call));
        }

        var parent = call.ConversationId is { } conversationId
            ? FirestorePaths.Document(_collection, conversationId) + "/" + CallDocument.CallsCollection
            : CallDocument.UnmatchedCollection;
        var path = parent + "/" + FirestorePaths.Segment(call.ElevenLabsConversationId);
        var (document, parts) = CallDocument.Write(call, path);
        var database = await connection.DatabaseAsync(cancellationToken);
        await WritePartsAsync(database, path, parts, cancellationToken);

        var url = database.Url($"{parent}?documentId={Uri.EscapeDataString(call.ElevenLabsConversationId)}");
        using var response = await SendAsync(HttpMethod.Post, url, document, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
        return error.Status == "ALREADY_EXISTS" ? false : throw Failure(error, "create of a call");
    }

    /// <summary>The call's document (one GET) and, with <paramref name="withTranscript"/>, its part documents (one GET each, in order).</summary>
    public async Task<StoredCall?> GetCallAsync(string conversationId, string elevenLabsConversationId, bool withTranscript, CancellationToken cancellationToken = default)
    {
        var path = CallPath(conversationId, elevenLabsConversationId);
        var database = await connection.DatabaseAsync(cancellationToken);
        using var document = await ReadDocumentAsync(database.Url(path), "read of a call", cancellationToken);
        if (document is null)
        {
            return null;
        }

        var root = document.RootElement;
        var fields = root.TryGetProperty("fields", out var f) ? f : default;
        var count = CallDocument.PartCount(fields);
        var parts = new List<JsonElement>();
        for (var i = 1; withTranscript && i <= count; i++)
        {
            using var part = await ReadDocumentAsync(database.Url($"{path}/{CallDocument.PartsCollection}/{CallDocument.PartId(i)}"),
                "read of a transcript part", cancellationToken);
            if (part?.RootElement.TryGetProperty("fields", out var partFields) == true)
            {
                parts.Add(partFields.Clone());
            }
        }

        var call = CallDocument.Read(fields, parts);
        return new StoredCall(call, count, root.GetProperty("updateTime").GetString()!);
    }

    /// <summary>
    /// One <c>:commit</c>: the transcript parts (whole documents), the call's document (a create under
    /// <c>exists: false</c>, or a replacement under the stored <c>updateTime</c>), the deletes of parts the replaced
    /// call had beyond the new count, and the session's fields under its <c>updateTime</c>. All or nothing, so the call
    /// document and the session's <c>lastCall</c> never disagree. Parts that would take the commit over
    /// <see cref="MaxCommitBytes"/> (Firestore refuses requests over 10 MiB) are written before it instead, one by one.
    /// </summary>
    public async Task RecordCallAsync(CallRecord call, StoredCall? replacing, string sessionVersion, SessionChanges? changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var conversationId = call.ConversationId ?? throw new ArgumentException("The call has no session.", nameof(call));
        var path = CallPath(conversationId, call.ElevenLabsConversationId);
        var (document, parts) = CallDocument.Write(call, path);
        var database = await connection.DatabaseAsync(cancellationToken);
        var inCommit = parts.Sum(p => (long)p.Length) + document.Length <= MaxCommitBytes;
        if (!inCommit)
        {
            await WritePartsAsync(database, path, parts, cancellationToken);
        }

        var body = FirestoreCommit.Body(w =>
        {
            for (var i = 0; inCommit && i < parts.Count; i++)
            {
                FirestoreCommit.Put(w, $"{database.DocumentsName}/{path}/{CallDocument.PartsCollection}/{CallDocument.PartId(i + 1)}", parts[i], null, unconditional: true);
            }

            FirestoreCommit.Put(w, $"{database.DocumentsName}/{path}", document, replacing?.Version);
            for (var i = parts.Count + 1; replacing is not null && i <= replacing.TranscriptParts; i++)
            {
                FirestoreCommit.Delete(w, $"{database.DocumentsName}/{path}/{CallDocument.PartsCollection}/{CallDocument.PartId(i)}", null);
            }

            if (changes is not null)
            {
                var (fields, paths) = SessionDocument.WriteChanges(changes);
                FirestoreCommit.Patch(w, database.DocumentName(_collection, conversationId), fields, paths, sessionVersion);
            }
        });
        using var response = await SendAsync(HttpMethod.Post, database.CommitUrl, body, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
        throw error.Status is "ALREADY_EXISTS" or "FAILED_PRECONDITION" or "NOT_FOUND"
            ? new SessionConflictException(conversationId, $"Call '{call.ElevenLabsConversationId}' or its session changed meanwhile.")
            : Failure(error, "commit of a call");
    }

    /// <summary>
    /// <c>reconcileAt &lt;= dueBy ORDER BY reconcileAt LIMIT n</c>: a range and an order on one field, which its
    /// single-field index serves; sessions with nothing pending hold <c>null</c> there, which a range leaves out.
    /// </summary>
    public Task<IReadOnlyList<StoredSession>> FindPendingCallsAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var query = new FirestoreQuery(_collection)
        {
            Where = FirestoreFilter.Timestamp(ReconcileAtField, "LESS_THAN_OR_EQUAL", dueBy),
            OrderBy = [(ReconcileAtField, false)],
            Limit = limit,
        };
        return RunQueryAsync(query, "query for sessions with calls pending", cancellationToken);
    }

    /// <summary>Below Firestore's 10 MiB request limit, with room for the call's document and the session's fields.</summary>
    private const long MaxCommitBytes = 8L * 1024 * 1024;

    private const string ReconcileAtField = "reconcileAt";

    private string CallPath(string conversationId, string elevenLabsConversationId) =>
        FirestorePaths.IsValidDocumentId(elevenLabsConversationId)
            ? FirestorePaths.Document(_collection, conversationId) + "/" + CallDocument.CallsCollection + "/" + FirestorePaths.Segment(elevenLabsConversationId)
            : throw new ArgumentException($"'{elevenLabsConversationId}' cannot name a document.", nameof(elevenLabsConversationId));

    private async Task WritePartsAsync(FirestoreDatabase database, string path, IReadOnlyList<byte[]> parts, CancellationToken cancellationToken)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            var partUrl = database.Url($"{path}/{CallDocument.PartsCollection}/{CallDocument.PartId(i + 1)}");
            using var written = await SendAsync(HttpMethod.Patch, partUrl, parts[i], cancellationToken);
            if (!written.IsSuccessStatusCode)
            {
                throw Failure(await FirestoreErrors.ReadAsync(written, cancellationToken), "write of a transcript part");
            }
        }
    }

    /// <summary>A document, or null when there is none.</summary>
    private async Task<JsonDocument?> ReadDocumentAsync(Uri url, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }

        var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
        return error.Status == "NOT_FOUND" ? null : throw Failure(error, operation);
    }

    /// <summary>
    /// <c>POST {documents root}:runQuery</c>. The answer is a JSON array of <c>{document, readTime}</c>; entries
    /// without a document (no results, progress) are skipped.
    /// </summary>
    private async Task<IReadOnlyList<StoredSession>> RunQueryAsync(FirestoreQuery query, string operation, CancellationToken cancellationToken)
    {
        var url = (await connection.DatabaseAsync(cancellationToken)).RunQueryUrl;
        using var response = await SendAsync(HttpMethod.Post, url, query.ToRunQueryBody(), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
            if (error.Status == "FAILED_PRECONDITION")
            {
                // Firestore's message carries the link that creates the missing index.
                LogMissingIndex(logger, operation, error.Message ?? "");
            }

            throw Failure(error, operation);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        JsonDocument answer;
        try
        {
            answer = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new SessionStoreException(SessionStoreFailure.Failed, $"Firestore {operation} answered with something that is not JSON.", ex);
        }

        using (answer)
        {
            if (answer.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new SessionStoreException(SessionStoreFailure.Failed, $"Firestore {operation} answered with something other than a list of results.");
            }

            var sessions = new List<StoredSession>();
            foreach (var result in answer.RootElement.EnumerateArray())
            {
                if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("document", out var document))
                {
                    sessions.Add(SessionDocument.Read(document));
                }
            }

            return sessions;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        }

        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SessionStoreException(SessionStoreFailure.Unavailable, "Firestore did not answer in time.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SessionStoreException(SessionStoreFailure.Unavailable, $"Firestore could not be reached: {ex.HttpRequestError}.", ex);
        }
    }

    private SessionStoreException Failure(FirestoreError error, string operation)
    {
        if (FirestoreErrors.Transient.Contains(error.Status!))
        {
            return new SessionStoreException(SessionStoreFailure.Unavailable, $"Firestore {operation} failed with {error.Status} after retries.");
        }

        if (error.Status is "PERMISSION_DENIED" or "UNAUTHENTICATED")
        {
            LogPermission(logger, error.Status, operation, connection.ServiceAccountEmail ?? "(emulator or unknown)");
            return new SessionStoreException(SessionStoreFailure.PermissionDenied, $"Firestore {operation} was refused: {error.Status}.");
        }

        return new SessionStoreException(SessionStoreFailure.Failed, $"Firestore {operation} failed: {error.Status} {error.Message}");
    }

    private static async Task<string> UpdateTimeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.TryGetProperty("updateTime", out var updateTime) && updateTime.GetString() is { } value
            ? value
            : throw new SessionStoreException(SessionStoreFailure.Failed, "Firestore answered without the document's updateTime.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: the create's answer was lost or late, but the document it wrote is stored")]
    private static partial void LogCreateFoundLanded(ILogger logger, string conversationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firestore {Operation} refused with {Status}: give service account {ServiceAccount} the role roles/datastore.user (Cloud Datastore User) on the Firestore project")]
    private static partial void LogPermission(ILogger logger, string status, string operation, string serviceAccount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firestore {Operation} needs a composite index: create the indexes in infra/firestore.indexes.json (docs/operations.md, Sessions in Firestore). Firestore said: {FirestoreMessage}")]
    private static partial void LogMissingIndex(ILogger logger, string operation, string firestoreMessage);
}
