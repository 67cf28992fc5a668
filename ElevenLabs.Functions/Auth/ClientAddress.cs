using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;

namespace ElevenLabs.Functions.Auth;

/// <summary>
/// The client's address, as a caller key for limits when there is no token: the connection's address, or, when the
/// front end is trusted (<c>RateLimit:TrustForwardedFor</c>), the <c>client-ip</c> it set first. Never a hop of
/// <c>X-Forwarded-For</c> read here: ASP.NET Core's forwarded-headers middleware moves the <b>last</b> hop (the one
/// the nearest proxy appended; every earlier hop is the client's own text) into the connection's address. Under the
/// Functions worker the SDK runs it for every request from the host on loopback; self-hosted,
/// <see cref="UseTrustedForwardedFor"/> runs it when the front end is trusted. IPv6 callers are keyed by their /64
/// (one subscriber's network), since anyone holding one can use all of its addresses.
/// </summary>
public static class ClientAddress
{
    public const string Unknown = "unknown";

    /// <summary>The header Azure's front end sets to the connection's <c>ip:port</c>, overwriting the client's value.</summary>
    public const string ClientIpHeader = "client-ip";

    /// <summary>Longer than any <c>[IPv6%zone]:port</c>; a longer value is not an address.</summary>
    private const int MaxAddressLength = 64;

    public static string Of(HttpContext context, bool trustForwardedFor)
    {
        ArgumentNullException.ThrowIfNull(context);
        var clientIp = context.Request.Headers[ClientIpHeader];
        if (trustForwardedFor && clientIp.Count > 0 && Parse(clientIp[^1]) is { } set)
        {
            return Key(set);
        }

        return context.Connection.RemoteIpAddress is { } remote ? Key(remote) : Unknown;
    }

    /// <summary>
    /// Self-hosted behind a trusted front end: the last <c>X-Forwarded-For</c> hop becomes the connection's address
    /// (one hop, from whichever address the front end connects from), as the Functions worker's SDK does for the host.
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedFor(this IApplicationBuilder app) =>
        app.UseForwardedHeaders(TrustedForwardedHeaders());

    /// <summary>The forwarded-headers settings of <see cref="UseTrustedForwardedFor"/>.</summary>
    public static ForwardedHeadersOptions TrustedForwardedHeaders()
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        options.KnownProxies.Clear(); // the front end's own addresses are not known in advance: the setting trusts it
        options.KnownIPNetworks.Clear();
        return options;
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
