using System.Net;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Auth;

/// <summary>
/// The client's address, as a caller key for limits when there is no token: the connection's address, or the first
/// <c>X-Forwarded-For</c> hop when the front end is trusted. IPv6 callers are keyed by their /64 (one subscriber's
/// network), since anyone holding one can use all of its addresses.
/// </summary>
public static class ClientAddress
{
    public const string Unknown = "unknown";

    public static string Of(HttpContext context, bool trustForwardedFor)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (trustForwardedFor && FirstForwarded(context.Request.Headers["X-Forwarded-For"].ToString()) is { } forwarded)
        {
            return Key(forwarded);
        }

        return context.Connection.RemoteIpAddress is { } remote ? Key(remote) : Unknown;
    }

    /// <summary>The first address of <c>X-Forwarded-For</c> (<c>client, proxy1, ...</c>), with a port if it has one (Azure adds it).</summary>
    private static IPAddress? FirstForwarded(string header)
    {
        var first = header.Split(',', 2)[0].Trim();
        if (first.Length is 0 or > 64)
        {
            return null;
        }

        if (IPAddress.TryParse(first, out var address))
        {
            return address;
        }

        // "203.0.113.7:51234" or "[2001:db8::1]:51234"
        return IPEndPoint.TryParse(first, out var endpoint) ? endpoint.Address : null;
    }

    private static string Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
