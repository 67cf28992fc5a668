using System.Text.Json;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// The body and answer of <c>POST .../documents:commit</c> for one write: <c>update</c> of the string fields named in
/// <c>updateMask</c> (a missing document is created), then <c>updateTransforms</c>, optionally under a
/// <c>currentDocument</c> precondition. The answer's <c>writeResults[0].transformResults</c> are read back in order.
/// </summary>
public static class FirestoreCommit
{
    /// <summary>The <c>:commit</c> URL for the documents root (<c>.../documents/</c>).</summary>
    public static Uri Url(Uri documentsRoot)
    {
        ArgumentNullException.ThrowIfNull(documentsRoot);
        return new Uri(documentsRoot.ToString().TrimEnd('/') + ":commit");
    }

    /// <summary>The full resource name of a document below the documents root (<c>projects/p/databases/d/documents/c/id</c>).</summary>
    public static string DocumentName(Uri documentsRoot, string collection, string documentId)
    {
        ArgumentNullException.ThrowIfNull(documentsRoot);
        var path = Uri.UnescapeDataString(documentsRoot.AbsolutePath).Trim('/');
        return path[(path.IndexOf('/') + 1)..] + "/" + collection + "/" + documentId; // without the leading "v1/"
    }

    /// <summary>A commit of one write.</summary>
    public static byte[] Body(string documentName, IReadOnlyDictionary<string, string> fields, IReadOnlyList<FirestoreFieldTransform> transforms, bool? exists = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(transforms);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("writes");
            w.WriteStartObject();
            w.WriteStartObject("update");
            w.WriteString("name", documentName);
            w.WriteStartObject("fields");
            foreach (var (name, value) in fields)
            {
                w.WriteStartObject(name);
                w.WriteString("stringValue", value);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("updateMask");
            w.WriteStartArray("fieldPaths");
            foreach (var name in fields.Keys)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("updateTransforms");
            foreach (var transform in transforms)
            {
                transform.WriteTo(w);
            }

            w.WriteEndArray();
            if (exists is { } must)
            {
                w.WriteStartObject("currentDocument");
                w.WriteBoolean("exists", must);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The first write's <c>transformResults</c>, as Firestore values, in the order of the transforms.</summary>
    public static IReadOnlyList<JsonElement> TransformResults(JsonElement commitResponse) =>
        commitResponse.TryGetProperty("writeResults", out var results) && results.GetArrayLength() > 0
        && results[0].TryGetProperty("transformResults", out var values)
            ? [.. values.EnumerateArray().Select(v => v.Clone())]
            : [];
}
