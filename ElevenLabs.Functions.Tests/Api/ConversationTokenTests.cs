using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>get_conversation_token (WebRTC) and the initiation data every URL or token answer carries, over HTTP.</summary>
[TestFixture]
public sealed class ConversationTokenTests : AppFixture
{
    private InMemorySessionStore Store => (InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>();

    private static string SessionIdToPassOn(JsonObject body) =>
        body["conversationInitiation"]!["dynamicVariables"]!["session_id"]!.GetValue<string>();

    [Test]
    public async Task WithoutAnIdATokenStartsANewSession()
    {
        var before = Store.Snapshot().Count;

        var (status, body, _) = await App.PostAsync(new { action = "get_conversation_token", userId = "user123", metadata = new { round = 2 } });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var id = body["conversationId"]!.GetValue<string>();
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        Assert.That(body["conversationToken"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.ConversationToken));
        Assert.That(body.ContainsKey("signedUrl"), Is.False);
        Assert.That(body["data"]!["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(body["data"]!["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(body["data"]!["agentId"]!.GetValue<string>(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(SessionIdToPassOn(body), Is.EqualTo(id));
        var request = ElevenLabsApi.TokenRequests.Single().RequestMessage;
        Assert.That(request.Query!["agent_id"].Single(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty);
        var stored = Store.Snapshot().Single(s => s.ConversationId == id);
        Assert.That(Store.Snapshot(), Has.Count.EqualTo(before + 1));
        Assert.That((stored.Status, stored.UserId), Is.EqualTo((SessionStatus.Active, "user123")));
        Assert.That(stored.Metadata.GetProperty("round").GetInt32(), Is.EqualTo(2));
        Assert.That(stored.ElevenLabsConversationIds, Is.EqualTo(new[] { ElevenLabsApi.TokenConversationIds.Last() }),
            "the token answer's conversation_id links the call as a signed URL's does");
        Assert.That(stored.PendingCallIds, Is.EqualTo(stored.ElevenLabsConversationIds), "and the reconcile pass looks for it");
        Assert.That(App.LogText(), Does.Not.Contain(ElevenLabsApi.ConversationToken), "the token is a credential");
    }

    [Test]
    public async Task WithAnIdATokenIsForThatActiveSession()
    {
        var (_, created, _) = await App.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        var count = Store.Snapshot().Count;

        var (status, body, _) = await App.PostAsync(new { action = "get_conversation_token", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(body["conversationToken"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.ConversationToken));
        Assert.That(SessionIdToPassOn(body), Is.EqualTo(id));
        Assert.That(Store.Snapshot(), Has.Count.EqualTo(count), "no new session");
    }

    [Test]
    public async Task ATokenForAnEndedSessionIsAConflictAndForAnUnknownOneNotFound()
    {
        var (_, created, _) = await App.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        await App.PostAsync(new { action = "end_session", conversationId = id });

        var (ended, endedBody, _) = await App.PostAsync(new { action = "get_conversation_token", conversationId = id });
        var (unknown, unknownBody, _) = await App.PostAsync(new { action = "get_conversation_token", conversationId = "conv_nobody" });

        Assert.That(ended, Is.EqualTo(409));
        ContractTests.AssertError(endedBody, "session_ended");
        Assert.That(unknown, Is.EqualTo(404));
        ContractTests.AssertError(unknownBody, "session_not_found");
        Assert.That(ElevenLabsApi.TokenRequests, Is.Empty, "ElevenLabs is not asked for a session that cannot use it");
    }

    [Test]
    public async Task WhenElevenLabsRefusesNoSessionIsWritten()
    {
        var before = Store.Snapshot().Count;
        ElevenLabsApi.ApiKey = "sk_other_" + Guid.NewGuid().ToString("N");

        var (status, body, _) = await App.PostAsync(new { action = "get_conversation_token" });

        Assert.That(status, Is.EqualTo(502));
        ContractTests.AssertError(body, "elevenlabs_unauthorized");
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("Failed to get conversation token"));
        Assert.That(Store.Snapshot(), Has.Count.EqualTo(before));
    }

    [TestCase("""{"detail":"nope"}""", 200)]
    [TestCase("""{"token":""}""", 200)]
    [TestCase("""not json""", 200)]
    public async Task AnAnswerWithoutATokenIsABadGateway(string answer, int code)
    {
        var before = Store.Snapshot().Count;
        ElevenLabsApi.TokenAnswers(code, answer);

        var (status, body, _) = await App.PostAsync(new { action = "get_conversation_token" });

        Assert.That(status, Is.EqualTo(502));
        ContractTests.AssertError(body, "elevenlabs_error");
        Assert.That(Store.Snapshot(), Has.Count.EqualTo(before));
    }

    [Test]
    public async Task SignedUrlAnswersCarryTheSessionIdToPassOnToo()
    {
        var (_, created, _) = await App.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        var (_, reissued, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        var (_, ended, _) = await App.PostAsync(new { action = "end_session", conversationId = id });

        Assert.That(SessionIdToPassOn(created), Is.EqualTo(id));
        Assert.That(SessionIdToPassOn(reissued), Is.EqualTo(id));
        Assert.That(ended.ContainsKey("conversationInitiation"), Is.False, "only answers that start a call carry it");
    }
}
