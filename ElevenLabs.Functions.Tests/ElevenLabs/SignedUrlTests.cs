using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.ElevenLabs;

/// <summary>How the app asks ElevenLabs for a signed URL and reads its answer.</summary>
[TestFixture]
public sealed class SignedUrlTests : AppFixture
{
    private IReadOnlyList<Session> Sessions => ((InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>()).Snapshot();

    [Test]
    public async Task ItCallsTheCurrentEndpointWithTheKeyAndASingleUseUrl()
    {
        await App.PostAsync(new { action = "create_session" });

        var request = ElevenLabsApi.SignedUrlRequests.Single().RequestMessage;
        Assert.That(request.Path, Is.EqualTo("/v1/convai/conversation/get-signed-url"), "not the deprecated get_signed_url");
        Assert.That(request.Method, Is.EqualTo("GET"));
        Assert.That(request.Headers!["xi-api-key"].Single(), Is.EqualTo(ElevenLabsApi.OriginalApiKey));
        Assert.That(request.Query!["include_conversation_id"].Single(), Is.EqualTo("true"));
    }

    [Test]
    public async Task ATopLevelConversationIdWinsOverTheUrls()
    {
        ElevenLabsApi.Answers(200, """{"signed_url":"wss://api.elevenlabs.io/v1/convai/conversation?conversation_id=from_url&token=t","conversation_id":"top_level"}""");

        var (status, body, _) = await App.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var id = body["conversationId"]!.GetValue<string>();
        Assert.That(Sessions.Single(s => s.ConversationId == id).ElevenLabsConversationId, Is.EqualTo("top_level"));
    }

    [Test]
    public async Task AUrlWithoutAConversationIdLeavesItUnset()
    {
        ElevenLabsApi.Answers(200, """{"signed_url":"wss://api.elevenlabs.io/v1/convai/conversation?agent_id=a&token=t"}""");

        var (status, body, _) = await App.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var id = body["conversationId"]!.GetValue<string>();
        Assert.That(Sessions.Single(s => s.ConversationId == id).ElevenLabsConversationId, Is.Null);
    }

    [TestCase("""{"signed_url":"https://not-a-websocket.example/x"}""")]
    [TestCase("""{"signed_url":42}""")]
    [TestCase("""not json""")]
    public async Task AnAnswerWithoutAUsableSignedUrlIsABadGateway(string answer)
    {
        ElevenLabsApi.Answers(200, answer);

        var (status, body, _) = await App.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(502));
        Api.ContractTests.AssertError(body, "elevenlabs_error");
    }
}
