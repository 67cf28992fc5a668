using System.Globalization;
using System.Text.Json;

namespace ElevenLabs.Functions.Firestore;

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
