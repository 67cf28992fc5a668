using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Text that can be stored: no lone UTF-16 surrogate, so it has a UTF-8 form.</summary>
public static class UnicodeText
{
    public static bool IsWellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        if (!span.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return true;
        }

        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            span = span[consumed..];
        }

        return true;
    }

    /// <summary>
    /// A JSON string's text, or null when it is not well-formed: a lone surrogate escape such as <c>\ud800</c> (which
    /// <see cref="JsonElement.GetString"/> may refuse outright).
    /// </summary>
    public static string? Read(JsonElement value)
    {
        try
        {
            var text = value.GetString()!;
            return IsWellFormed(text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
