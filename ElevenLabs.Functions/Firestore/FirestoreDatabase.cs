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
