using System.Text.Json;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// The session store's part of an erasure: the sessions marked <c>deleting</c>, and the deletes of a session's calls,
/// their transcript parts and the session's own document. Documents are found by listing (a <c>:runQuery</c> of a
/// subcollection under its parent, names only), never from what a document says, so nothing a half-written or an
/// earlier, interrupted erasure left is missed; they are deleted in <c>:commit</c>s of at most 500 writes (Firestore's limit).
/// </summary>
public sealed partial class FirestoreSessionStore
{
    /// <summary>Firestore's most writes in one commit, and the most names one listing takes.</summary>
    private const int MaxWritesPerCommit = 500;

    /// <summary>A session's calls are deleted in at most this many listings before the store gives up (the next run goes on).</summary>
    private const int MaxEraseRounds = 100;

    /// <summary><c>status == "deleting" ORDER BY updatedAt LIMIT n</c>: the composite index (status, updatedAt) the idle sweep uses.</summary>
    public Task<IReadOnlyList<StoredSession>> FindDeletingAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var query = new FirestoreQuery(_collection)
        {
            Where = FirestoreFilter.String(StatusField, "EQUAL", SessionStatus.Deleting),
            OrderBy = [(UpdatedAtField, false)],
            Limit = limit,
        };
        return RunQueryAsync(query, "query for sessions being deleted", cancellationToken);
    }

    /// <summary>
    /// <c>expireAt &lt; now ORDER BY expireAt LIMIT n</c>: a range and an order on one field, which its single-field
    /// index (automatic, unless exempted) serves; sessions written while retention was off have no <c>expireAt</c>, which
    /// a range leaves out.
    /// </summary>
    public Task<IReadOnlyList<StoredSession>> FindExpiredAsync(DateTimeOffset expiredBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var query = new FirestoreQuery(_collection)
        {
            Where = FirestoreFilter.Timestamp(SessionDocument.ExpireAtField, "LESS_THAN", expiredBefore),
            OrderBy = [(SessionDocument.ExpireAtField, false)],
            Limit = limit,
        };
        return RunQueryAsync(query, "query for sessions past retention", cancellationToken);
    }

    /// <summary>
    /// Lists the session's <c>calls</c>; for each, lists and deletes its <c>transcript</c> parts, then deletes the calls'
    /// documents; again until no call is left. A part is deleted before its call, so a failure midway never leaves a
    /// part no listing of calls finds.
    /// </summary>
    public async Task<ErasedCalls> DeleteCallsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var session = FirestorePaths.Document(_collection, conversationId);
        var database = await connection.DatabaseAsync(cancellationToken);
        int calls = 0, parts = 0;
        for (var round = 0; round < MaxEraseRounds; round++)
        {
            var callNames = await NamesAsync(database, session, CallDocument.CallsCollection, "listing of a session's calls", cancellationToken);
            if (callNames.Count == 0)
            {
                return new ErasedCalls(calls, parts);
            }

            foreach (var call in callNames)
            {
                var callPath = RelativePath(database, call);
                for (var partRound = 0; partRound < MaxEraseRounds; partRound++)
                {
                    var partNames = await NamesAsync(database, callPath, CallDocument.PartsCollection, "listing of a call's transcript parts", cancellationToken);
                    if (partNames.Count == 0)
                    {
                        break;
                    }

                    await DeleteDocumentsAsync(database, partNames, "delete of transcript parts", cancellationToken);
                    parts += partNames.Count;
                }
            }

            await DeleteDocumentsAsync(database, callNames, "delete of calls", cancellationToken);
            calls += callNames.Count;
        }

        throw new SessionStoreException(SessionStoreFailure.Unavailable,
            $"Firestore still lists calls of session '{conversationId}' after {MaxEraseRounds} rounds of deletes; the next run goes on.");
    }

    /// <summary>
    /// One <c>:commit</c> deleting the session's document under <c>currentDocument.updateTime</c>. A precondition that
    /// fails is looked into: the document gone is an erasure finished by someone else (false), one still there changed.
    /// </summary>
    public async Task<bool> DeleteAsync(string conversationId, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        FirestorePaths.Document(_collection, conversationId); // validates the id before any name exists
        var database = await connection.DatabaseAsync(cancellationToken);
        var body = FirestoreCommit.Body(w => FirestoreCommit.Delete(w, database.DocumentName(_collection, conversationId), version));
        using var response = await SendAsync(HttpMethod.Post, database.CommitUrl, body, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
        if (error.Status is not ("FAILED_PRECONDITION" or "NOT_FOUND"))
        {
            throw Failure(error, "delete of a session");
        }

        return await GetAsync(conversationId, cancellationToken) is null
            ? false
            : throw new SessionConflictException(conversationId, $"Session '{conversationId}' changed since it was read.");
    }

    /// <summary>The full names of the documents of <paramref name="collection"/> directly below <paramref name="parentPath"/>, at most 500.</summary>
    private async Task<IReadOnlyList<string>> NamesAsync(FirestoreDatabase database, string parentPath, string collection, string operation,
        CancellationToken cancellationToken)
    {
        var query = new FirestoreQuery(collection) { NamesOnly = true, Limit = MaxWritesPerCommit };
        using var response = await SendAsync(HttpMethod.Post, database.Url(parentPath + ":runQuery"), query.ToRunQueryBody(), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(await FirestoreErrors.ReadAsync(response, cancellationToken), operation);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var answer = await ParseAsync(stream, operation, cancellationToken);
        if (answer.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new SessionStoreException(SessionStoreFailure.Failed, $"Firestore {operation} answered with something other than a list of results.");
        }

        var names = new List<string>();
        foreach (var result in answer.RootElement.EnumerateArray())
        {
            if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("document", out var document)
                && document.TryGetProperty("name", out var name) && name.GetString() is { } value
                && value.StartsWith(database.DocumentsName + "/", StringComparison.Ordinal))
            {
                names.Add(value);
            }
        }

        return names;
    }

    private static async Task<JsonDocument> ParseAsync(Stream stream, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new SessionStoreException(SessionStoreFailure.Failed, $"Firestore {operation} answered with something that is not JSON.", ex);
        }
    }

    /// <summary>Unconditional deletes of documents by full name, in commits of at most 500 (deleting a missing document succeeds).</summary>
    private async Task DeleteDocumentsAsync(FirestoreDatabase database, IReadOnlyList<string> names, string operation, CancellationToken cancellationToken)
    {
        foreach (var chunk in names.Chunk(MaxWritesPerCommit))
        {
            var body = FirestoreCommit.Body(w =>
            {
                foreach (var name in chunk)
                {
                    FirestoreCommit.Delete(w, name, null);
                }
            });
            using var response = await SendAsync(HttpMethod.Post, database.CommitUrl, body, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(await FirestoreErrors.ReadAsync(response, cancellationToken), operation);
            }
        }
    }

    /// <summary>A document's full name as a path below the documents root, each segment escaped.</summary>
    private static string RelativePath(FirestoreDatabase database, string name) =>
        string.Join('/', name[(database.DocumentsName.Length + 1)..].Split('/').Select(FirestorePaths.Segment));
}
