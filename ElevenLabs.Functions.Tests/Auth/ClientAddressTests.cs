using System.Net;
using ElevenLabs.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>
/// The caller key without auth, without a server, behind the forwarded-headers middleware as each host runs it (the
/// self-host's when trusted; the worker SDK's for the host on loopback). Trusted, the front end's own headers count
/// (<c>client-ip</c>, else the last X-Forwarded-For hop), never a hop the client wrote; ports dropped, IPv6 by /64,
/// garbage ignored.
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

    /// <summary>The caller as the self-host sees it: <see cref="ClientAddress.UseTrustedForwardedFor"/> first when trusted.</summary>
    private static async Task<string> SelfHostedAsync(HttpContext context, bool trusted = true)
    {
        if (trusted)
        {
            await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance,
                Options.Create(ClientAddress.TrustedForwardedHeaders())).Invoke(context);
        }

        return ClientAddress.Of(context, trusted);
    }

    /// <summary>
    /// The caller as the worker sees it: the SDK's forwarded-headers middleware (all headers, its defaults: the loopback
    /// proxy trusted, one hop) runs for every request before the function (Worker.Extensions.Http.AspNetCore).
    /// </summary>
    private static async Task<string> UnderTheWorkerAsync(HttpContext context, bool trusted = true)
    {
        await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance,
            Options.Create(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.All })).Invoke(context);
        return ClientAddress.Of(context, trusted);
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
    [TestCase("203.0.113.7:99999", Socket)]
    [TestCase("[2001:db8::1", Socket)]
    [TestCase("", Socket)]
    public async Task TrustedTheLastForwardedHopCounts(string forwardedFor, string expected) =>
        Assert.That(await SelfHostedAsync(Context(forwardedFor)), Is.EqualTo(expected));

    [Test]
    public async Task TrustedTheLastOfSeveralHeaderLinesCounts()
    {
        var context = Context(null);
        context.Request.Headers["X-Forwarded-For"] = new Microsoft.Extensions.Primitives.StringValues(["9.9.9.9", "8.8.8.8, 203.0.113.7:1"]);

        Assert.That(await SelfHostedAsync(context), Is.EqualTo("203.0.113.7"));
    }

    /// <summary>
    /// Under the worker the connection is the host on loopback, and the SDK has already made the last hop the
    /// connection's address: what is left of the header is the client's own text and never counts.
    /// </summary>
    [TestCase("198.51.100.7, 203.0.113.7:51234", true)]
    [TestCase("198.51.100.7, 203.0.113.7:51234", false)]
    [TestCase("198.51.100.7,198.51.100.8, 203.0.113.7", true)]
    public async Task UnderTheWorkerTheHopTheHostForwardedCountsNotTheClients(string forwardedFor, bool trusted) =>
        Assert.That(await UnderTheWorkerAsync(Context(forwardedFor, socket: "127.0.0.1"), trusted), Is.EqualTo("203.0.113.7"));

    [Test]
    public async Task UnderTheWorkerClientIpNamesTheCallerWhenTrusted()
    {
        Assert.That(await UnderTheWorkerAsync(Context("198.51.100.7, 10.0.0.9:1", "203.0.113.9:4000", socket: "127.0.0.1")), Is.EqualTo("203.0.113.9"));
        Assert.That(await UnderTheWorkerAsync(Context("198.51.100.7, 10.0.0.9:1", "203.0.113.9:4000", socket: "127.0.0.1"), trusted: false),
            Is.EqualTo("10.0.0.9"), "untrusted, client-ip is ignored");
    }

    [TestCase("203.0.113.9:50123", "203.0.113.9")]
    [TestCase("203.0.113.9", "203.0.113.9")]
    [TestCase("[2001:db8:7:8::1]:50123", "2001:db8:7:8::/64")]
    public async Task TrustedClientIpComesBeforeForwardedFor(string clientIp, string expected) =>
        Assert.That(await SelfHostedAsync(Context("1.2.3.4, 203.0.113.7:1", clientIp)), Is.EqualTo(expected));

    [TestCase("garbage")]
    [TestCase("")]
    [TestCase("1")]
    public async Task TrustedAClientIpThatIsNoAddressFallsBackToTheLastHop(string clientIp) =>
        Assert.That(await SelfHostedAsync(Context("1.2.3.4, 203.0.113.7:1", clientIp)), Is.EqualTo("203.0.113.7"));

    [Test]
    public async Task UntrustedBothHeadersAreIgnored() =>
        Assert.That(await SelfHostedAsync(Context("203.0.113.7", "203.0.113.8"), trusted: false), Is.EqualTo(Socket));

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
