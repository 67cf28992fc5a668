using System.Text;
using System.Text.Json;

namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// What a session's <c>metadata</c> may hold: any JSON object that Firestore can store as it is, whichever store is in
/// use, so a request is refused before any upstream call rather than failing at the write. Firestore's documented
/// limits: maps and arrays nest at most 20 deep (the <c>metadata</c> field itself is depth 1), no array directly inside
/// an array, keys not empty, not <c>__.*__</c> and at most 1,500 bytes; numbers are int64 or finite doubles; text is
/// valid Unicode.
/// </summary>
public static class SessionMetadata
{
    public const int MaxDepth = 20;
    public const int MaxKeyBytes = 1500;

    /// <summary>Null when <paramref name="metadata"/> can be stored; else what is wrong, naming the path (<c>metadata.a[0]</c>).</summary>
    public static string? Problem(JsonElement metadata) => Problem(metadata, "metadata", depth: 1, insideArray: false);

    private static string? Problem(JsonElement value, string path, int depth, bool insideArray)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (depth > MaxDepth)
                {
                    return $"{path} nests deeper than {MaxDepth} levels, which Firestore cannot store.";
                }

                foreach (var property in value.EnumerateObject())
                {
                    var key = Text(property);
                    if (key is null)
                    {
                        return $"A key in {path} is not valid Unicode text.";
                    }

                    var keyProblem = KeyProblem(key, path);
                    if (keyProblem is not null)
                    {
                        return keyProblem;
                    }

                    var inner = Problem(property.Value, $"{path}.{Shorten(key)}", depth + 1, insideArray: false);
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                if (insideArray)
                {
                    return $"{path} is an array directly inside an array, which Firestore cannot store.";
                }

                if (depth > MaxDepth)
                {
                    return $"{path} nests deeper than {MaxDepth} levels, which Firestore cannot store.";
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var inner = Problem(item, $"{path}[{index++}]", depth + 1, insideArray: true);
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.String:
                return UnicodeText.Read(value) is null ? $"{path} is not valid Unicode text." : null;
            case JsonValueKind.Number:
                return value.TryGetInt64(out _) || (value.TryGetDouble(out var number) && double.IsFinite(number))
                    ? null
                    : $"{path} is a number Firestore cannot store (an integer must fit in 64 bits, others in a finite double).";
            default:
                return null;
        }
    }

    private static string? KeyProblem(string key, string path)
    {
        if (key.Length == 0)
        {
            return $"{path} has an empty key, which Firestore cannot store.";
        }

        if (ConversationId.IsReserved(key))
        {
            return $"{path}.{Shorten(key)}: keys of the form __name__ are reserved by Firestore.";
        }

        return Encoding.UTF8.GetByteCount(key) > MaxKeyBytes
            ? $"{path} has a key longer than {MaxKeyBytes} bytes, which Firestore cannot store."
            : null;
    }

    private static string? Text(JsonProperty property)
    {
        try
        {
            // A name with a lone surrogate escape cannot become a string: Name throws.
            var name = property.Name;
            return UnicodeText.IsWellFormed(name) ? name : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Shorten(string key) => key.Length <= 40 ? key : key[..40] + "…";
}
