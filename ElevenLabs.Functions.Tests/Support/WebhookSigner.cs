using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>Signs a body as ElevenLabs does: <c>t=&lt;unix&gt;,v0=hex(HMAC-SHA256(secret, "{t}.{body}"))</c>.</summary>
public static class WebhookSigner
{
    public const string HeaderName = "ElevenLabs-Signature";

    /// <summary>A secret like ElevenLabs' (<c>wsec_</c> and random hex), made per test run.</summary>
    public static string NewSecret() => "wsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string V0(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    public static string Header(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var t = at.ToUnixTimeSeconds();
        return $"t={t},v0={V0(secret, t, body)}";
    }

    /// <summary>A POST of the JSON <paramref name="body"/> to the webhook route, signed with <paramref name="secret"/> at <paramref name="at"/>.</summary>
    public static HttpRequestMessage Request(string secret, DateTimeOffset at, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(HeaderName, Header(secret, at, body));
        return request;
    }

    /// <summary>The signature of a body read from a stream (a large one, never held whole).</summary>
    public static async Task<string> HeaderAsync(string secret, DateTimeOffset at, Stream body)
    {
        var t = at.ToUnixTimeSeconds();
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(t.ToString(CultureInfo.InvariantCulture) + "."));
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            hmac.AppendData(buffer, 0, read);
        }

        return $"t={t},v0={Convert.ToHexStringLower(hmac.GetHashAndReset())}";
    }
}
