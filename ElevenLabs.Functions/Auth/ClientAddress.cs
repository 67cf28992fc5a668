using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ElevenLabs.Functions.Auth;

/// <summary>
/// The client's address, as a caller key for limits when there is no token. Untrusted (the default): the connection's
/// address. Trusted (<c>RateLimit:TrustForwardedFor</c>, behind a front end such as Azure's): what the front end itself
/// set, never what the client wrote: <c>client-ip</c>, which Azure's front end sets and overwrites whatever the client
/// sent, else the <b>last</b> <c>X-Forwarded-For</c> hop, the one the front end appended (every earlier hop is the
/// client's own text); when neither holds an address, the connection's. IPv6 callers are keyed by their /64 (one
/// subscriber's network), since anyone holding one can use all of its addresses.
/// </summary>
public static class ClientAddress
{
    public const string Unknown = "unknown";

    /// <summary>The header Azure's front end sets to the connection's <c>ip:port</c>, overwriting the client's value.</summary>
    public const string ClientIpHeader = "client-ip";

    public const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>Longer than any <c>[IPv6%zone]:port</c>; a longer value is not an address.</summary>
    private const int MaxAddressLength = 64;

    public static string Of(HttpContext context, bool trustForwardedFor)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (trustForwardedFor
            && (Parse(Last(context.Request.Headers[ClientIpHeader])) ?? Parse(LastHop(context.Request.Headers[ForwardedForHeader]))) is { } forwarded)
        {
            return Key(forwarded);
        }

        return context.Connection.RemoteIpAddress is { } remote ? Key(remote) : Unknown;
    }

    /// <summary>
    /// An address as front ends write it: <c>203.0.113.7</c>, <c>203.0.113.7:51234</c>, <c>2001:db8::1</c> or
    /// <c>[2001:db8::1]:51234</c>; null for anything else (an IPv4 address must have its four parts: <c>1</c> is not
    /// 0.0.0.1).
    /// </summary>
    public static IPAddress? Parse(string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length is 0 or > MaxAddressLength || !IPEndPoint.TryParse(text, out var endpoint))
        {
            return null;
        }

        if (endpoint.Address.AddressFamily == AddressFamily.InterNetwork)
        {
            var host = text.Split(':', 2)[0];
            if (host.Count(c => c == '.') != 3 || !host.All(c => c == '.' || char.IsAsciiDigit(c)))
            {
                return null;
            }
        }

        return endpoint.Address;
    }

    /// <summary>The last hop of the last <c>X-Forwarded-For</c> line (<c>client-written, ..., appended-by-the-front-end</c>).</summary>
    private static string? LastHop(StringValues header)
    {
        var line = Last(header);
        return line is null ? null : line[(line.LastIndexOf(',') + 1)..];
    }

    private static string? Last(StringValues header) => header.Count == 0 ? null : header[^1];

    private static string Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
