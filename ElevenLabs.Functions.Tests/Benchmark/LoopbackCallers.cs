using System.Collections.Concurrent;
using System.Net;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// Candidates as Azure's front end tells them apart under the Functions host: by their connection. Each caller gets
/// its own client whose connections come from its own loopback address (127.64.0.0/10, any of which Linux routes to
/// the front end on 127.0.0.1), so the stand-in host's <c>client-ip</c> names it and the worker's per-caller rate
/// limits and daily quota count it alone, as in production. A caller's client is dropped once its interview ends.
/// </summary>
internal sealed class LoopbackCallers(Uri baseAddress) : IDisposable
{
    private static int _next;
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    /// <summary>A new caller (its address), with a client of its own.</summary>
    public string NewCaller()
    {
        int n;
        do
        {
            n = Interlocked.Increment(ref _next);
        }
        while ((n & 0xff) == 0);

        var address = new IPAddress([127, (byte)(64 + ((n >> 16) & 0x3f)), (byte)(n >> 8), (byte)n]);
        var client = new HttpClient(CallerClient.BoundTo(address)) { BaseAddress = baseAddress };
        var caller = address.ToString();
        _clients[caller] = client;
        return caller;
    }

    public HttpClient Client(string caller) => _clients[caller];

    /// <summary>The caller's interview is over: its client (and connection) goes.</summary>
    public void Release(string caller)
    {
        if (_clients.TryRemove(caller, out var client))
        {
            client.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var caller in _clients.Keys)
        {
            Release(caller);
        }
    }
}
