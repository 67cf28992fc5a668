using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// The app's side: the three actions as a browser sends them to <c>/elevenlabs-conversation</c>. Each interview is
/// its own candidate, so per-caller rate limits and the daily quota count and cost what they would in production:
/// self-hosted, told apart as behind Azure's front end (<c>X-Forwarded-For</c>, which the app trusts as infra
/// configures it); under the stand-in host, by its own connection (<see cref="LoopbackCallers"/>), since the host's
/// front end sets <c>client-ip</c> from the connection whatever the client sends.
/// </summary>
internal sealed class AppInterviewClient : IInterviewClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static int _forwardedCallers;
    private readonly ConcurrentDictionary<string, string> _callerOf = new(StringComparer.Ordinal);
    private readonly HttpClient? _http;
    private readonly LoopbackCallers? _callers;

    /// <summary>Callers told apart by <c>X-Forwarded-For</c>, on one client.</summary>
    public AppInterviewClient(HttpClient http) => _http = http;

    /// <summary>Callers told apart by their connections' addresses.</summary>
    public AppInterviewClient(LoopbackCallers callers) => _callers = callers;

    public static string CreateBody(int interview) =>
        $$$"""{"action":"create_session","userId":"user{{{interview}}}","candidateId":"candidate{{{interview}}}","jobId":"job789","metadata":{"jobTitle":"Software Engineer","source":"benchmark","round":{{{interview}}}}}""";

    public async Task<string> CreateSessionAsync(int interview)
    {
        var caller = _callers?.NewCaller() ?? NewForwardedCaller();
        using var answer = await PostAsync(caller, CreateBody(interview));
        var id = answer.RootElement.GetProperty("conversationId").GetString()!;
        _callerOf[id] = caller;
        return id;
    }

    public async Task GetSignedUrlAsync(string conversationId)
    {
        using var answer = await PostAsync(_callerOf[conversationId], $$"""{"action":"get_signed_url","conversationId":"{{conversationId}}"}""");
        _ = answer.RootElement.GetProperty("signedUrl").GetString()!;
    }

    public async Task EndSessionAsync(string conversationId)
    {
        _callerOf.TryRemove(conversationId, out var caller);
        using var answer = await PostAsync(caller!, $$"""{"action":"end_session","conversationId":"{{conversationId}}"}""");
        _callers?.Release(caller!);
    }

    /// <summary>An address per candidate from the IPv6 documentation range (RFC 3849), its own /64: only a header, never dialled.</summary>
    private static string NewForwardedCaller()
    {
        var n = Interlocked.Increment(ref _forwardedCallers);
        return $"2001:db8:{n >> 16:x}:{n & 0xffff:x}::1";
    }

    private async Task<JsonDocument> PostAsync(string caller, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = Json } },
        };
        if (_http is not null)
        {
            request.Headers.Add("X-Forwarded-For", caller);
        }

        using var response = await (_http ?? _callers!.Client(caller)).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"app: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }
}
