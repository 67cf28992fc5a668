using System.Net;
using ElevenLabs.Functions.Auth;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>
/// The caller key without auth, without a server. Trusted, the front end's own headers count (<c>client-ip</c>, else
/// the last X-Forwarded-For hop), never a hop the client wrote; ports dropped, IPv6 by /64, garbage ignored.
/// </summary>
[TestFixture]
public sealed class ClientAddressTests
{
    private const string Socket = "198.51.100.1";

    private static HttpContext Context(string? forwardedFor, string? clientIp = null, string socket = Socket)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(socket);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        if (clientIp is not null)
        {
            context.Request.Headers["client-ip"] = clientIp;
        }

        return context;
    }

    [TestCase("203.0.113.7", "203.0.113.7")]
    [TestCase("203.0.113.7:51234", "203.0.113.7")]
    [TestCase("10.9.9.9, 203.0.113.7:51234", "203.0.113.7", Description = "the front end appended the last hop")]
    [TestCase("1.1.1.1, 2.2.2.2,203.0.113.7", "203.0.113.7")]
    [TestCase("[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64")]
    [TestCase("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    [TestCase("::ffff:203.0.113.7", "203.0.113.7")]
    [TestCase("not an address", Socket)]
    [TestCase("203.0.113.7, not an address", Socket, Description = "a first hop the client wrote never stands in for a bad last one")]
    [TestCase("203.0.113.7,", Socket)]
    [TestCase("12345", Socket, Description = "not 0.0.48.57")]
    [TestCase("1.2.3", Socket)]
    [TestCase("203.0.113.7:99999", Socket)]
    [TestCase("[2001:db8::1", Socket)]
    [TestCase("", Socket)]
    public void TrustedTheLastForwardedHopCounts(string forwardedFor, string expected) =>
        Assert.That(ClientAddress.Of(Context(forwardedFor), trustForwardedFor: true), Is.EqualTo(expected));

    [Test]
    public void TrustedTheLastOfSeveralHeaderLinesCounts()
    {
        var context = Context(null);
        context.Request.Headers["X-Forwarded-For"] = new Microsoft.Extensions.Primitives.StringValues(["9.9.9.9", "8.8.8.8, 203.0.113.7:1"]);

        Assert.That(ClientAddress.Of(context, trustForwardedFor: true), Is.EqualTo("203.0.113.7"));
    }

    [TestCase("203.0.113.9:50123", "203.0.113.9")]
    [TestCase("203.0.113.9", "203.0.113.9")]
    [TestCase("[2001:db8:7:8::1]:50123", "2001:db8:7:8::/64")]
    public void TrustedClientIpComesBeforeForwardedFor(string clientIp, string expected) =>
        Assert.That(ClientAddress.Of(Context("1.2.3.4, 203.0.113.7:1", clientIp), trustForwardedFor: true), Is.EqualTo(expected));

    [TestCase("garbage")]
    [TestCase("")]
    [TestCase("1")]
    public void TrustedAClientIpThatIsNoAddressFallsBackToTheLastHop(string clientIp) =>
        Assert.That(ClientAddress.Of(Context("1.2.3.4, 203.0.113.7:1", clientIp), trustForwardedFor: true), Is.EqualTo("203.0.113.7"));

    [Test]
    public void UntrustedBothHeadersAreIgnored() =>
        Assert.That(ClientAddress.Of(Context("203.0.113.7", "203.0.113.8"), trustForwardedFor: false), Is.EqualTo(Socket));

    [Test]
    public void AnIPv4MappedSocketAddressIsTheIPv4One() =>
        Assert.That(ClientAddress.Of(Context(null, socket: "::ffff:198.51.100.1"), trustForwardedFor: false), Is.EqualTo(Socket));

    [Test]
    public void WithoutAConnectionAddressTheCallerIsUnknown() =>
        Assert.That(ClientAddress.Of(new DefaultHttpContext(), trustForwardedFor: false), Is.EqualTo(ClientAddress.Unknown));

    [TestCase("203.0.113.7:8080", "203.0.113.7")]
    [TestCase("[::1]:80", "::1")]
    [TestCase("::1", "::1")]
    [TestCase(" 203.0.113.7 ", "203.0.113.7")]
    [TestCase("203.0.113.7:", null)]
    [TestCase("203.0.113.256", null)]
    [TestCase("0x7f.0.0.1", null)]
    [TestCase("example.com:80", null)]
    [TestCase(null, null)]
    public void TheHeaderParsing(string? value, string? expected) =>
        Assert.That(ClientAddress.Parse(value)?.ToString(), Is.EqualTo(expected));
}
