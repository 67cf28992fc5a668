using System.Net.Http.Headers;
using System.Text;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// The bare hop's side: an interview's three POSTs, with the app's bodies, to an app that only drains them and answers
/// (BareApp directly, or BareWorker under the stand-in host), each caller on its own connection as
/// <see cref="LoopbackCallers"/> makes them. Its latencies are the hop's own cost, without any of the app's work.
/// </summary>
internal sealed class BareInterviewClient(LoopbackCallers callers) : IInterviewClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<string> CreateSessionAsync(int interview)
    {
        var caller = callers.NewCaller();
        await PostAsync(caller, AppInterviewClient.CreateBody(interview));
        return caller;
    }

    public Task GetSignedUrlAsync(string conversationId) =>
        PostAsync(conversationId, $$"""{"action":"get_signed_url","conversationId":"conv_{{conversationId}}"}""");

    public async Task EndSessionAsync(string conversationId)
    {
        await PostAsync(conversationId, $$"""{"action":"end_session","conversationId":"conv_{{conversationId}}"}""");
        callers.Release(conversationId);
    }

    private async Task PostAsync(string caller, string body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = Json } };
        using var response = await callers.Client(caller).PostAsync("/elevenlabs-conversation", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !text.Contains("\"success\":true", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"bare: {(int)response.StatusCode} {text}");
        }
    }
}
