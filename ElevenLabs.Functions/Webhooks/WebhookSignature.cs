using System.Globalization;
using System.Security.Cryptography;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// The <c>ElevenLabs-Signature</c> header: <c>t=&lt;unix seconds&gt;,v0=&lt;hex HMAC-SHA256&gt;</c>, where the HMAC's key is the
/// webhook secret's UTF-8 bytes and its message <c>"{t}.{raw body}"</c>. Several <c>v0</c> values may be given; any
/// one matching is enough.
/// </summary>
public sealed record WebhookSignature(long Timestamp, IReadOnlyList<byte[]> Signatures)
{
    public const string HeaderName = "ElevenLabs-Signature";
    private const int MaxHeaderLength = 4096;

    /// <summary>What the HMAC covers before the body.</summary>
    public string SignedPrefix => Timestamp.ToString(CultureInfo.InvariantCulture) + ".";

    /// <summary>Parses the header; null when it is missing, malformed, or has no <c>t</c> or no well-formed <c>v0</c>.</summary>
    public static WebhookSignature? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > MaxHeaderLength)
        {
            return null;
        }

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            var (name, value) = (part[..equals], part[(equals + 1)..]);
            switch (name)
            {
                case "t" when timestamp is null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t):
                    timestamp = t;
                    break;
                case "t":
                    return null;
                case "v0" when value.Length == 64:
                    try
                    {
                        signatures.Add(Convert.FromHexString(value));
                    }
                    catch (FormatException)
                    {
                        return null;
                    }

                    break;
                case "v0":
                    return null;
                default:
                    break; // other schemes (a future v1) are ignored, as Stripe-style headers allow
            }
        }

        return timestamp is { } ts && signatures.Count > 0 ? new WebhookSignature(ts, signatures) : null;
    }

    /// <summary>True when any given signature equals any of the computed MACs; every comparison is constant-time.</summary>
    public bool MatchesAny(IEnumerable<byte[]> macs)
    {
        var matched = false;
        foreach (var mac in macs)
        {
            foreach (var signature in Signatures)
            {
                matched |= CryptographicOperations.FixedTimeEquals(mac, signature);
            }
        }

        return matched;
    }
}
