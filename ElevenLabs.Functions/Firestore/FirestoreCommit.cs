using System.Globalization;
using System.Text.Json;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// The body and answer of <c>POST .../documents:commit</c>: writes applied atomically, all or none, each an
/// <c>update</c> (the whole document, or the fields named in <c>updateMask</c>; a missing document is created) followed
/// by its <c>updateTransforms</c>, or a <c>delete</c>, optionally under a <c>currentDocument</c> precondition. The answer's
/// <c>writeResults</c> come in the order of the writes, each with its <c>updateTime</c> and its <c>transformResults</c>.
/// </summary>
public static class FirestoreCommit
{
    /// <summary><c>{"writes":[...]}</c>, the writes written by <paramref name="writes"/> (with <see cref="Create"/>, <see cref="Update"/>, <see cref="Delete"/>).</summary>
    public static byte[] Body(Action<Utf8JsonWriter> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        return FirestoreValues.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("writes");
            writes(w);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>A write of the whole document (no mask) only where none exists (<c>currentDocument.exists: false</c>: else ALREADY_EXISTS).</summary>
    public static void Create(Utf8JsonWriter w, string documentName, Action<Utf8JsonWriter> fields)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(fields);
        w.WriteStartObject();
        w.WriteStartObject("update");
        w.WriteString("name", documentName);
        w.WriteStartObject("fields");
        fields(w);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("currentDocument");
        w.WriteBoolean("exists", false);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A write of the string (and <paramref name="timestamps"/>') fields named in <c>updateMask</c>, then <paramref name="transforms"/>; a missing document is created.</summary>
    public static void Update(Utf8JsonWriter w, string documentName, IReadOnlyDictionary<string, string> fields, IReadOnlyList<FirestoreFieldTransform> transforms,
        IReadOnlyDictionary<string, DateTimeOffset>? timestamps = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(transforms);
        timestamps ??= new Dictionary<string, DateTimeOffset>();
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

        foreach (var (name, value) in timestamps)
        {
            w.WriteStartObject(name);
            w.WriteString("timestampValue", FirestoreValues.FormatTimestamp(value));
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("updateMask");
        w.WriteStartArray("fieldPaths");
        foreach (var name in fields.Keys.Concat(timestamps.Keys))
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
        w.WriteEndObject();
    }

    /// <summary>A delete; with <paramref name="updateTime"/>, only while the document is at it (else FAILED_PRECONDITION, or NOT_FOUND when it is gone).</summary>
    public static void Delete(Utf8JsonWriter w, string documentName, string? updateTime)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteString("delete", documentName);
        if (updateTime is not null)
        {
            w.WriteStartObject("currentDocument");
            w.WriteString("updateTime", updateTime);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// A write of the whole document from <paramref name="document"/> (a <c>{"fields":{...}}</c> body): with
    /// <paramref name="updateTime"/> a replacement only while the document is at it, without one a create only where
    /// none exists; <paramref name="unconditional"/>: whatever is there.
    /// </summary>
    public static void Put(Utf8JsonWriter w, string documentName, byte[] document, string? updateTime, bool unconditional = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteStartObject("update");
        w.WriteString("name", documentName);
        WriteFields(w, document);
        w.WriteEndObject();
        if (!unconditional)
        {
            w.WriteStartObject("currentDocument");
            if (updateTime is null)
            {
                w.WriteBoolean("exists", false);
            }
            else
            {
                w.WriteString("updateTime", updateTime);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>A write of the fields named in <paramref name="fieldPaths"/> from <paramref name="document"/> (<c>{"fields":{...}}</c>), only while the document is at <paramref name="updateTime"/>.</summary>
    public static void Patch(Utf8JsonWriter w, string documentName, byte[] document, IReadOnlyList<string> fieldPaths, string updateTime)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(fieldPaths);
        w.WriteStartObject();
        w.WriteStartObject("update");
        w.WriteString("name", documentName);
        WriteFields(w, document);
        w.WriteEndObject();
        w.WriteStartObject("updateMask");
        w.WriteStartArray("fieldPaths");
        foreach (var path in fieldPaths)
        {
            w.WriteStringValue(path);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("currentDocument");
        w.WriteString("updateTime", updateTime);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter w, byte[] document)
    {
        using var parsed = JsonDocument.Parse(document, new JsonDocumentOptions { MaxDepth = 256 });
        w.WritePropertyName("fields");
        (parsed.RootElement.TryGetProperty("fields", out var fields) ? fields : parsed.RootElement).WriteTo(w);
    }

    /// <summary>The write result at <paramref name="index"/> (in the order of the writes), or null when the answer has none.</summary>
    public static JsonElement? WriteResult(JsonElement commitResponse, int index) =>
        commitResponse.ValueKind == JsonValueKind.Object
        && commitResponse.TryGetProperty("writeResults", out var results) && results.ValueKind == JsonValueKind.Array
        && results.GetArrayLength() > index
            ? results[index]
            : null;
}

/// <summary>
/// One <c>FieldTransform</c> of a <c>:commit</c> write (Firestore REST v1): applied by the server atomically with the write,
/// its result coming back in the write result's <c>transformResults</c>, in order.
/// </summary>
public sealed class FirestoreFieldTransform
{
    private readonly Action<Utf8JsonWriter> _write;

    private FirestoreFieldTransform(string fieldPath, Action<Utf8JsonWriter> write)
    {
        FieldPath = fieldPath;
        _write = write;
    }

    public string FieldPath { get; }

    /// <summary>Adds <paramref name="value"/> to an integer field (a missing or non-numeric field becomes the value); the result is the new value.</summary>
    public static FirestoreFieldTransform Increment(string fieldPath, long value) => new(fieldPath, w =>
    {
        w.WriteStartObject("increment");
        w.WriteString("integerValue", value.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    });

    /// <summary>Sets the field to the commit's time; the result is that timestamp.</summary>
    public static FirestoreFieldTransform RequestTime(string fieldPath) => new(fieldPath, w => w.WriteString("setToServerValue", "REQUEST_TIME"));

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("fieldPath", FieldPath);
        _write(writer);
        writer.WriteEndObject();
    }
}
