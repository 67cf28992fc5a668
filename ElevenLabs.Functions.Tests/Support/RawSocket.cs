using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// HTTP/1.x by hand over a TCP socket, for requests no HttpClient would send (no Host, an odd Host): writes the bytes
/// as given, reads until the server closes, and splits the answer into status, headers and body.
/// </summary>
public static class RawSocket
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>Sends <paramref name="request"/> (lines ending in CRLF, headers included) to the app and reads the whole answer.</summary>
    public static async Task<Answer> SendAsync(Uri app, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(app.Host, app.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        return Parse(received.ToArray());
    }

    private static Answer Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidOperationException($"Not an HTTP answer: '{Encoding.UTF8.GetString(bytes)}'");
        }

        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = bytes.AsSpan(end + 4);
        var chunked = headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        return new Answer(status, headers, Encoding.UTF8.GetString(chunked ? Dechunk(body) : body));
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> chunked)
    {
        var body = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            var size = int.Parse(Encoding.ASCII.GetString(chunked[..lineEnd]).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToArray();
            }

            body.Write(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[(lineEnd + 2 + size + 2)..];
        }
    }
}
