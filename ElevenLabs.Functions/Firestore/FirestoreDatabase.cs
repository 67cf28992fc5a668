using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// One Firestore database, named once: its documents' REST root (<c>{base}/v1/projects/{p}/databases/{d}/documents/</c>,
/// every segment escaped) and its documents' resource name (<c>projects/{p}/databases/{d}/documents</c>, as commit
/// writes name documents).
/// </summary>
public sealed record FirestoreDatabase(Uri DocumentsRoot, string DocumentsName)
{
    public static FirestoreDatabase For(Uri baseUrl, string projectId, string databaseId)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var name = $"projects/{projectId}/databases/{databaseId}/documents";
        var root = new Uri(baseUrl, $"v1/projects/{FirestorePaths.Segment(projectId)}/databases/{FirestorePaths.Segment(databaseId)}/documents/");
        return new FirestoreDatabase(root, name);
    }

    /// <summary>A URL below the documents root (<paramref name="path"/> already escaped, e.g. by <see cref="FirestorePaths"/>).</summary>
    public Uri Url(string path) => new(DocumentsRoot, path);

    /// <summary><c>POST .../documents:commit</c>.</summary>
    public Uri CommitUrl => new(DocumentsRoot.ToString().TrimEnd('/') + ":commit");

    /// <summary><c>POST .../documents:runQuery</c>.</summary>
    public Uri RunQueryUrl => new(DocumentsRoot.ToString().TrimEnd('/') + ":runQuery");

    /// <summary>The full resource name of a document (<c>projects/p/databases/d/documents/c/id</c>).</summary>
    public string DocumentName(string collection, string documentId) => DocumentsName + "/" + collection + "/" + documentId;
}

/// <summary>Document names: checked against Firestore's rules and ours before any URL is built, every segment escaped.</summary>
public static class FirestorePaths
{
    /// <summary>A path segment, percent-escaped (parentheses kept, as in <c>(default)</c>).</summary>
    public static string Segment(string value) =>
        Uri.EscapeDataString(value).Replace("%28", "(", StringComparison.Ordinal).Replace("%29", ")", StringComparison.Ordinal);

    /// <summary>The document path below the documents root, for a valid id only.</summary>
    /// <exception cref="ArgumentException">The id breaks our pattern or Firestore's document-id rules.</exception>
    public static string Document(string collection, string conversationId)
    {
        if (!IsValidDocumentId(conversationId))
        {
            throw new ArgumentException($"'{conversationId}' is not a valid conversation id ({ConversationId.Pattern}).", nameof(conversationId));
        }

        return Segment(collection) + "/" + Segment(conversationId);
    }

    /// <summary>
    /// Our pattern, which holds Firestore's rules too: no '/', never '.' or '..', not <c>__.*__</c>, far under 1500 bytes.
    /// </summary>
    public static bool IsValidDocumentId(string id) => ConversationId.IsValid(id);
}
