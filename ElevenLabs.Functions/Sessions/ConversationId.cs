using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Conversation ids: made by the server, checked before any lookup.</summary>
public static partial class ConversationId
{
    public const string Pattern = "^[A-Za-z0-9_-]{1,128}$";

    /// <summary>Ids that lookups accept: the ones we make and the ones the Cloud Function made.</summary>
    public static bool IsValid(string? value) => value is not null && ValidPattern().IsMatch(value);

    /// <summary>"conv_" and 128 random bits, base64url: never sequential, never the client's choice.</summary>
    public static string NewId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return "conv_" + Base64Url.EncodeToString(random);
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex ValidPattern();
}
