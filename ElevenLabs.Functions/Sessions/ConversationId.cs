using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Conversation ids: made by the server, checked before any lookup.</summary>
public static partial class ConversationId
{
    public const string Pattern = "^[A-Za-z0-9_-]{1,128}$";

    /// <summary>
    /// Ids that lookups accept: the ones we make and the ones the Cloud Function made. Not <c>__.*__</c>, which
    /// Firestore reserves. The pattern is anchored with <c>\z</c>: .NET's <c>$</c> also matches before a final newline.
    /// </summary>
    public static bool IsValid(string? value) => value is not null && ValidPattern().IsMatch(value) && !IsReserved(value);

    /// <summary>Firestore's reserved names, <c>__.*__</c> (map keys and document ids alike).</summary>
    public static bool IsReserved(string name) =>
        name.Length >= 4 && name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal);

    /// <summary>"conv_" and 128 random bits, base64url: never sequential, never the client's choice.</summary>
    public static string NewId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return "conv_" + Base64Url.EncodeToString(random);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidPattern();
}
