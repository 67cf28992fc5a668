using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Webhooks;

/// <summary>The webhook with the in-memory store (local runs): calls are kept and sessions updated the same way.</summary>
[TestFixture]
public sealed class InMemoryWebhookTests : AppFixture
{
    private readonly string _secret = WebhookSigner.NewSecret();

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings => [("ElevenLabs:WebhookSecret", _secret)];

    private InMemorySessionStore Store => (InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>();

    private async Task<int> DeliverAsync(System.Text.Json.Nodes.JsonObject @event)
    {
        var body = ElevenLabsEvents.Bytes(@event);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, WebhookSigner.Header(_secret, DateTimeOffset.UtcNow, body));
        using var response = await App.Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Test]
    public async Task ACallIsKeptWithItsSessionAndGetSessionReportsIt()
    {
        StandIns.TokensCarryConversationIds = false; // linked through the session id the client passes on
        var (_, token, _) = await App.PostAsync(new { action = "get_conversation_token" });
        var sessionId = token["conversationId"]!.GetValue<string>();
        var elevenLabsId = "conv_" + Guid.NewGuid().ToString("N");

        var status = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId, sessionId: sessionId, durationSecs: 321, callSuccessful: "failure"));
        var again = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId, sessionId: sessionId, durationSecs: 321, callSuccessful: "failure"));
        var (_, read, _) = await App.PostAsync(new { action = "get_session", conversationId = sessionId });

        Assert.That((status, again), Is.EqualTo((200, 200)));
        var call = Store.Calls().Single(c => c.ElevenLabsConversationId == elevenLabsId);
        Assert.That((call.ConversationId, call.MatchedBy), Is.EqualTo((sessionId, CallMatch.SessionId)));
        Assert.That(call.Transcript, Has.Count.EqualTo(3));
        var data = read["data"]!;
        Assert.That(data["status"]!.GetValue<string>(), Is.EqualTo("ended"));
        Assert.That(data["endedBy"]!.GetValue<string>(), Is.EqualTo("webhook"));
        Assert.That(data["elevenLabsConversationIds"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { elevenLabsId }));
        Assert.That(data["lastCall"]!["callDurationSecs"]!.GetValue<long>(), Is.EqualTo(321));
        Assert.That(data["lastCall"]!["callSuccessful"]!.GetValue<string>(), Is.EqualTo("failure"));
    }

    [Test]
    public async Task AnUnmatchedCallIsKeptWithoutASession()
    {
        var elevenLabsId = "conv_" + Guid.NewGuid().ToString("N");

        var status = await DeliverAsync(ElevenLabsEvents.Transcription(elevenLabsId));

        Assert.That(status, Is.EqualTo(200));
        Assert.That(Store.Calls().Single(c => c.ElevenLabsConversationId == elevenLabsId).ConversationId, Is.Null);
    }
}
