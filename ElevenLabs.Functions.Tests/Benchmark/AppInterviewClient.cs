using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// The app's side: the three actions as a browser sends them to <c>/elevenlabs-conversation</c>. Each interview is
/// its own candidate on its own connection from its own loopback address (<see cref="LoopbackCallers"/>), so the
/// per-caller rate limits and the daily quota count and cost what they would in production, under either host:
/// self-hosted the app keys an anonymous caller on the connection (no <c>X-Forwarded-For</c> is sent), under the
/// stand-in Functions host on the <c>client-ip</c> its front end sets from the connection.
/// </summary>
internal sealed class AppInterviewClient(LoopbackCallers callers) : IInterviewClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly ConcurrentDictionary<string, string> _callerOf = new(StringComparer.Ordinal);

    public static string CreateBody(int interview) =>
        $$$"""{"action":"create_session","userId":"user{{{interview}}}","candidateId":"candidate{{{interview}}}","jobId":"job789","metadata":{"jobTitle":"Software Engineer","source":"benchmark","round":{{{interview}}}}}""";

    public async Task<string> CreateSessionAsync(int interview)
    {
        var caller = callers.NewCaller();
        using var answer = await PostAsync(caller, CreateBody(interview));
        var id = answer.RootElement.GetProperty("conversationId").GetString()!;
        _callerOf[id] = caller;
        return id;
    }

    /// <summary>One create_session, its caller released at once (the start-up figures' single requests).</summary>
    public async Task<string> CreateOnlyAsync(int interview)
    {
        var id = await CreateSessionAsync(interview);
        if (_callerOf.TryRemove(id, out var caller))
        {
            callers.Release(caller);
        }

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
        callers.Release(caller!);
    }

    private async Task<JsonDocument> PostAsync(string caller, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = Json } },
        };
        using var response = await callers.Client(caller).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"app: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }
}
