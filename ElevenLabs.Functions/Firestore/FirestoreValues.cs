using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// Firestore REST v1 <c>Value</c>s: any JSON as Firestore types and back. Integers that fit int64 are
/// <c>integerValue</c> (a JSON string), other numbers <c>doubleValue</c>; objects <c>mapValue</c>, arrays
/// <c>arrayValue</c>; timestamps <c>timestampValue</c> in RFC 3339 UTC with microseconds.
/// </summary>
public static class FirestoreValues
{
    /// <summary>The JSON <paramref name="write"/> writes, as UTF-8: a request body.</summary>
    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        // Written straight into a growable buffer: through a MemoryStream the writer would buffer it once more.
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A document, <c>{"fields":{...}}</c>, with the fields <paramref name="writeFields"/> writes into that object.</summary>
    public static byte[] Document(Action<Utf8JsonWriter> writeFields)
    {
        ArgumentNullException.ThrowIfNull(writeFields);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("fields");
            writeFields(w);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Writes plain JSON as a Firestore value (<c>{"stringValue": ...}</c>, <c>{"mapValue": ...}</c>, ...).</summary>
    public static void WriteFirestoreValue(Utf8JsonWriter writer, JsonElement value)
    {
        writer.WriteStartObject();
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject("mapValue");
                writer.WriteStartObject("fields");
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteFirestoreValue(writer, property.Value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartObject("arrayValue");
                writer.WriteStartArray("values");
                foreach (var item in value.EnumerateArray())
                {
                    WriteFirestoreValue(writer, item);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case JsonValueKind.String:
                writer.WriteString("stringValue", value.GetString());
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                writer.WriteString("integerValue", integer.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.Number:
                writer.WriteNumber("doubleValue", value.GetDouble());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBoolean("booleanValue", value.GetBoolean());
                break;
            default:
                writer.WriteNull("nullValue");
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a Firestore value back as plain JSON.</summary>
    private static void WritePlainJson(Utf8JsonWriter writer, JsonElement firestoreValue)
    {
        foreach (var typed in firestoreValue.EnumerateObject())
        {
            switch (typed.Name)
            {
                case "mapValue":
                    writer.WriteStartObject();
                    if (typed.Value.TryGetProperty("fields", out var fields))
                    {
                        foreach (var field in fields.EnumerateObject())
                        {
                            writer.WritePropertyName(field.Name);
                            WritePlainJson(writer, field.Value);
                        }
                    }

                    writer.WriteEndObject();
                    return;
                case "arrayValue":
                    writer.WriteStartArray();
                    if (typed.Value.TryGetProperty("values", out var values))
                    {
                        foreach (var item in values.EnumerateArray())
                        {
                            WritePlainJson(writer, item);
                        }
                    }

                    writer.WriteEndArray();
                    return;
                case "stringValue" or "referenceValue":
                    writer.WriteStringValue(typed.Value.GetString());
                    return;
                case "timestampValue":
                    writer.WriteStringValue(typed.Value.GetString());
                    return;
                case "integerValue":
                    writer.WriteNumberValue(long.Parse(typed.Value.GetString()!, CultureInfo.InvariantCulture));
                    return;
                case "doubleValue" when typed.Value.ValueKind == JsonValueKind.Number:
                    writer.WriteNumberValue(typed.Value.GetDouble());
                    return;
                case "doubleValue":
                    writer.WriteNullValue(); // "NaN" or "Infinity": another writer's value that JSON cannot hold
                    return;
                case "booleanValue":
                    writer.WriteBooleanValue(typed.Value.GetBoolean());
                    return;
                case "nullValue":
                    writer.WriteNullValue();
                    return;
            }
        }

        writer.WriteNullValue();
    }

    /// <summary>A Firestore value as plain JSON: what <see cref="WriteFirestoreValue"/> wrote, read back.</summary>
    public static JsonElement ToJson(JsonElement firestoreValue)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WritePlainJson(writer, firestoreValue);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>RFC 3339, UTC, microseconds: what Firestore keeps of a timestamp.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses Firestore's RFC 3339 (up to nanoseconds; digits past the 7th are dropped).</summary>
    public static DateTimeOffset ParseTimestamp(string value) =>
        TryParseTimestamp(value, out var parsed) ? parsed : throw new FormatException($"'{value}' is not an RFC 3339 timestamp.");

    public static bool TryParseTimestamp(string? value, out DateTimeOffset parsed)
    {
        parsed = default;
        if (value is null)
        {
            return false;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < value.Length && char.IsAsciiDigit(value[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                value = value[..(dot + 8)] + value[end..];
            }
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out parsed);
    }
}
