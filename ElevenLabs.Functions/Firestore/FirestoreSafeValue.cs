using System.Globalization;
using System.Text;
using System.Text.Json;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// Writes JSON someone else made (ElevenLabs' analysis, metadata) as Firestore values that Firestore always accepts, and
/// says how many bytes they count for. Firestore's documented limits: maps and arrays nest at most 20 deep, no array
/// directly inside an array, keys not empty, not <c>__.*__</c>, at most 1,500 bytes; numbers int64 or finite doubles.
/// A part that breaks one is kept whole as its JSON text (a string) rather than refused. Sizes follow Google's storage
/// size rules: a string is its UTF-8 bytes + 1, a number or timestamp 8, a boolean or null 1, a map the sum of its keys
/// (UTF-8 + 1) and values, an array the sum of its values.
/// </summary>
public static class FirestoreSafeValue
{
    public const int MaxDepth = 20;
    public const int MaxKeyBytes = 1500;

    /// <summary>Writes <paramref name="value"/> as a field at depth 1; returns its stored size.</summary>
    public static long Write(Utf8JsonWriter writer, JsonElement value) => Write(writer, value, depth: 1, insideArray: false);

    public static long String(Utf8JsonWriter writer, string? value)
    {
        writer.WriteStartObject();
        if (value is null)
        {
            writer.WriteNull("nullValue");
            writer.WriteEndObject();
            return 1;
        }

        writer.WriteString("stringValue", value);
        writer.WriteEndObject();
        return Encoding.UTF8.GetByteCount(value) + 1;
    }

    public static long Integer(Utf8JsonWriter writer, long? value)
    {
        writer.WriteStartObject();
        if (value is { } number)
        {
            writer.WriteString("integerValue", number.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull("nullValue");
        }

        writer.WriteEndObject();
        return value is null ? 1 : 8;
    }

    public static long Timestamp(Utf8JsonWriter writer, DateTimeOffset? value)
    {
        writer.WriteStartObject();
        if (value is { } time)
        {
            writer.WriteString("timestampValue", FirestoreValues.FormatTimestamp(time));
        }
        else
        {
            writer.WriteNull("nullValue");
        }

        writer.WriteEndObject();
        return value is null ? 1 : 8;
    }

    public static long Boolean(Utf8JsonWriter writer, bool value)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("booleanValue", value);
        writer.WriteEndObject();
        return 1;
    }

    /// <summary>The stored size of a field or map key.</summary>
    public static long KeySize(string key) => Encoding.UTF8.GetByteCount(key) + 1;

    private static long Write(Utf8JsonWriter writer, JsonElement value, int depth, bool insideArray)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when depth <= MaxDepth && value.EnumerateObject().All(p => IsStorableKey(p)):
            {
                long size = 0;
                writer.WriteStartObject();
                writer.WriteStartObject("mapValue");
                writer.WriteStartObject("fields");
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    size += KeySize(property.Name) + Write(writer, property.Value, depth + 1, insideArray: false);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                return size;
            }

            case JsonValueKind.Array when depth <= MaxDepth && !insideArray:
            {
                long size = 0;
                writer.WriteStartObject();
                writer.WriteStartObject("arrayValue");
                writer.WriteStartArray("values");
                foreach (var item in value.EnumerateArray())
                {
                    size += Write(writer, item, depth + 1, insideArray: true);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndObject();
                return size;
            }

            case JsonValueKind.Object or JsonValueKind.Array:
                return String(writer, value.GetRawText()); // kept as its JSON text: Firestore could not store it as it is
            case JsonValueKind.String:
                return String(writer, UnicodeText.Read(value) ?? value.GetRawText());
            case JsonValueKind.Number when value.TryGetInt64(out var whole):
                return Integer(writer, whole);
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                writer.WriteStartObject();
                writer.WriteNumber("doubleValue", number);
                writer.WriteEndObject();
                return 8;
            case JsonValueKind.Number:
                return String(writer, value.GetRawText());
            case JsonValueKind.True or JsonValueKind.False:
                return Boolean(writer, value.GetBoolean());
            default:
                writer.WriteStartObject();
                writer.WriteNull("nullValue");
                writer.WriteEndObject();
                return 1;
        }
    }

    private static bool IsStorableKey(JsonProperty property)
    {
        string name;
        try
        {
            name = property.Name;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return name.Length > 0 && !ConversationId.IsReserved(name) && UnicodeText.IsWellFormed(name)
            && Encoding.UTF8.GetByteCount(name) <= MaxKeyBytes;
    }
}
