using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>The app's side: the three actions as a browser sends them to <c>/elevenlabs-conversation</c>.</summary>
internal sealed class AppInterviewClient(HttpClient http) : IInterviewClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<string> CreateSessionAsync(int interview)
    {
        using var answer = await PostAsync(
            $$$"""{"action":"create_session","userId":"user{{{interview}}}","candidateId":"candidate{{{interview}}}","jobId":"job789","metadata":{"jobTitle":"Software Engineer","source":"benchmark","round":{{{interview}}}}}""");
        return answer.RootElement.GetProperty("conversationId").GetString()!;
    }

    public async Task GetSignedUrlAsync(string conversationId)
    {
        using var answer = await PostAsync($$"""{"action":"get_signed_url","conversationId":"{{conversationId}}"}""");
        _ = answer.RootElement.GetProperty("signedUrl").GetString()!;
    }

    public async Task EndSessionAsync(string conversationId)
    {
        using var answer = await PostAsync($$"""{"action":"end_session","conversationId":"{{conversationId}}"}""");
    }

    private async Task<JsonDocument> PostAsync(string body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = Json } };
        using var response = await http.PostAsync("/elevenlabs-conversation", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"app: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }
}
