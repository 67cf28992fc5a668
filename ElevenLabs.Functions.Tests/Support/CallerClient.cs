using System.Net;
using System.Net.Sockets;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Clients that reach the app as distinct callers on the internet do, each from a loopback address of its own (Linux
/// routes all of 127/8 to the loopback interface), through Azure's front end: under the Functions host that is the
/// stand-in's front end, which sees the connection's address; self-hosted, the client plays the front end in front of
/// the app (what <c>RateLimit:TrustForwardedFor</c> trusts): it appends <c>address:port</c> to whatever
/// <c>X-Forwarded-For</c> the client wrote and sets <c>client-ip</c> and <c>X-Client-IP</c>, overwriting the client's.
/// Every answer is checked against the OpenAPI document, as <see cref="AppHost.Client"/>'s.
/// </summary>
public static class CallerClient
{
    private static int _addresses;

    /// <summary>A loopback address no other caller of this test run has had (127.0.21.2 and on).</summary>
    public static IPAddress NextAddress()
    {
        var n = Interlocked.Increment(ref _addresses);
        return new IPAddress([127, 0, (byte)(21 + n / 250), (byte)(2 + n % 250)]);
    }

    /// <summary>A handler whose connections come from <paramref name="address"/> to the loopback port asked for (the Functions host's front end sees that address).</summary>
    public static SocketsHttpHandler BoundTo(IPAddress address) => new()
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(address, 0));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>A client to <paramref name="app"/> whose connections come from <paramref name="address"/>.</summary>
    public static HttpClient From(AppHost app, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(app);
        var sockets = BoundTo(address);
        HttpMessageHandler inner = app.Kind == HostKind.Functions ? sockets : new AzureFrontEnd(address, sockets);
        return new HttpClient(new OpenApiValidatingHandler(OpenApiContract.App, inner)) { BaseAddress = app.BaseAddress };
    }

    /// <summary>Azure's front end in front of the self-hosted app: its headers for a connection from <paramref name="address"/> (a port of its own each request).</summary>
    private sealed class AzureFrontEnd(IPAddress address, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var endpoint = $"{address}:{Random.Shared.Next(32768, 61000)}";
            var sent = request.Headers.TryGetValues("X-Forwarded-For", out var values) ? string.Join(", ", values) : "";
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", sent.Length == 0 ? endpoint : sent + ", " + endpoint);
            request.Headers.Remove("client-ip");
            request.Headers.TryAddWithoutValidation("client-ip", endpoint);
            request.Headers.Remove("X-Client-IP");
            request.Headers.TryAddWithoutValidation("X-Client-IP", address.ToString());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
