using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Sessions;

/// <summary>
/// <c>delete_session</c> with the in-memory store (local runs), over HTTP: the session and its calls leave the store,
/// its ElevenLabs conversations are deleted there, and an erasure stopped by an ElevenLabs outage is finished by the sweep.
/// Self-hosted: the test reads the store the app holds in the test's process.
/// </summary>
[TestFixture]
public sealed class InMemoryErasureTests : AppFixture
{
    private readonly string _secret = WebhookSigner.NewSecret();

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings =>
        [("ElevenLabs:WebhookSecret", _secret), ("ElevenLabs:MaxRetries", "0"), ("Sessions:SweepInterval", "00:00:00")];

    private InMemorySessionStore Store => (InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>();

    private async Task<(string Id, string[] ElevenLabsIds)> SessionWithTwoCallsAsync()
    {
        ElevenLabsApi.IssueFreshConversationIds();
        var (_, created, _) = await App.PostAsync(new { action = "create_session", userId = "user123" });
        var id = created["conversationId"]!.GetValue<string>();
        var (reissued, _, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
        Assert.That(reissued, Is.EqualTo(200));
        var elevenLabsIds = ElevenLabsApi.IssuedConversationIds.TakeLast(2).ToArray();
        foreach (var elevenLabsId in elevenLabsIds)
        {
            ElevenLabsApi.StoreConversation(elevenLabsId);
            var body = ElevenLabsEvents.Bytes(ElevenLabsEvents.Transcription(elevenLabsId));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new ByteArrayContent(body) };
            request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, WebhookSigner.Header(_secret, DateTimeOffset.UtcNow, body));
            using var response = await App.Client.SendAsync(request);
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
        }

        Assert.That(Store.Calls().Count(c => c.ConversationId == id), Is.EqualTo(2));
        return (id, elevenLabsIds);
    }

    [Test]
    public async Task DeleteSessionRemovesTheSessionAndItsCallsFromMemoryAndItsConversationsAtElevenLabs()
    {
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();

        var (status, body, _) = await App.PostAsync(new { action = "delete_session", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var removed = body["data"]!["removed"]!;
        Assert.That((removed["elevenLabsConversations"]!.GetValue<int>(), removed["recordings"]!.GetValue<int>(), removed["calls"]!.GetValue<int>(),
            removed["transcriptParts"]!.GetValue<int>()), Is.EqualTo((2, 0, 2, 0)), "recordings are off; memory keeps a transcript whole");
        Assert.That(Store.Snapshot().Any(s => s.ConversationId == id), Is.False);
        Assert.That(Store.Calls().Any(c => c.ConversationId == id), Is.False);
        Assert.That(elevenLabsIds.Select(ElevenLabsApi.HasConversation), Is.All.False);
    }

    [Test]
    public async Task AnErasureStoppedByElevenLabsIsGoneToGetSessionAndFinishedByTheSweep()
    {
        var (id, elevenLabsIds) = await SessionWithTwoCallsAsync();
        ElevenLabsApi.FailDeletesOf(elevenLabsIds[0]);

        var (status, body, response) = await App.PostAsync(new { action = "delete_session", conversationId = id });
        var (read, readBody, _) = await App.PostAsync(new { action = "get_session", conversationId = id });

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        ContractTests.AssertError(body, "erasure_incomplete");
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(Store.Snapshot().Single(s => s.ConversationId == id).Status, Is.EqualTo(SessionStatus.Deleting));
        Assert.That(read, Is.EqualTo(404));
        ContractTests.AssertError(readBody, "session_not_found");

        ElevenLabsApi.HealDeletes();
        var run = await App.Services.GetRequiredService<SessionSweeper>().RunAsync();

        Assert.That(run.Erasures.Single(e => e.ConversationId == id).Erasure, Is.EqualTo(new SessionErasure(id, 2, 0, 2, 0)));
        Assert.That(Store.Snapshot().Any(s => s.ConversationId == id), Is.False);
        Assert.That(Store.Calls().Any(c => c.ConversationId == id), Is.False);
    }
}
