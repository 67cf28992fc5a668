using System.Net;
using ElevenLabs.Functions.Auth;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>The caller key without auth, without a server: the first forwarded hop only when trusted, ports dropped, IPv6 by /64.</summary>
[TestFixture]
public sealed class ClientAddressTests
{
    private static HttpContext Context(string socket, string? forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(socket);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context;
    }

    [TestCase("203.0.113.7", "203.0.113.7")]
    [TestCase("203.0.113.7:51234", "203.0.113.7")]
    [TestCase("203.0.113.7:51234, 10.0.0.4", "203.0.113.7")]
    [TestCase("[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64")]
    [TestCase("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    [TestCase("not an address", "198.51.100.1")]
    [TestCase("", "198.51.100.1")]
    public void TrustedTheFirstForwardedHopCounts(string forwardedFor, string expected) =>
        Assert.That(ClientAddress.Of(Context("198.51.100.1", forwardedFor), trustForwardedFor: true), Is.EqualTo(expected));

    [Test]
    public void UntrustedTheHeaderIsIgnored() =>
        Assert.That(ClientAddress.Of(Context("198.51.100.1", "203.0.113.7"), trustForwardedFor: false), Is.EqualTo("198.51.100.1"));

    [Test]
    public void AnIPv4MappedSocketAddressIsTheIPv4One() =>
        Assert.That(ClientAddress.Of(Context("::ffff:198.51.100.1", null), trustForwardedFor: false), Is.EqualTo("198.51.100.1"));
}
