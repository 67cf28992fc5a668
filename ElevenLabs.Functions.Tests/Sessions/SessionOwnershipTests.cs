using System.Text.Json;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Sessions;

/// <summary>
/// With auth on, a session belongs to the signed-in user who created it: anyone else holding its id gets exactly what an
/// unknown id gets; sessions without an owner answer the same unless <c>Auth:LegacySessions=Allow</c>.
/// </summary>
[TestFixture]
public sealed class SessionOwnershipTests : FirebaseAppFixture
{
    protected override string ProjectId => "interview-app-owners";

    private string Alice => Token("uid-alice");
    private string Mallory => Token("uid-mallory");

    private async Task<string> CreateAsAliceAsync()
    {
        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "app-user-42" }, Alice);
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        return body["conversationId"]!.GetValue<string>();
    }

    [Test]
    public async Task ANewSessionIsOwnedByTheTokensSubjectAndKeepsTheUserIdAsSent()
    {
        var id = await CreateAsAliceAsync();

        var stored = Store.Snapshot().Single(s => s.ConversationId == id);
        Assert.That(stored.OwnerId, Is.EqualTo("uid-alice"));
        Assert.That(stored.UserId, Is.EqualTo("app-user-42"), "the body's userId is the app's own id, stored as sent");
    }

    [Test]
    public async Task TheOwnerCanReissueReadAndEnd()
    {
        var id = await CreateAsAliceAsync();

        var (issued, _, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id }, Alice);
        var (token, _, _) = await App.PostAsync(new { action = "get_conversation_token", conversationId = id }, Alice);
        var (read, _, _) = await App.PostAsync(new { action = "get_session", conversationId = id }, Alice);
        var (results, resultsBody, _) = await App.PostAsync(new { action = "get_results", conversationId = id }, Alice);
        var (ended, _, _) = await App.PostAsync(new { action = "end_session", conversationId = id }, Alice);

        Assert.That((issued, token, read, results, ended), Is.EqualTo((200, 200, 200, 200, 200)));
        Assert.That(resultsBody["data"]!["calls"]!.AsArray(), Is.Empty, "no call stored yet");
    }

    [TestCase("get_signed_url")]
    [TestCase("get_conversation_token")]
    [TestCase("get_session")]
    [TestCase("get_results")]
    [TestCase("get_recording")]
    [TestCase("end_session")]
    public async Task AnotherUsersSessionAnswersExactlyAsAnUnknownOne(string action)
    {
        var id = await CreateAsAliceAsync();
        var elevenLabsCallsBefore = ElevenLabsApi.Server.LogEntries.Count();

        var (status, body, response) = await App.PostAsync(new { action, conversationId = id }, Mallory);
        var (unknownStatus, unknownBody, unknownResponse) = await App.PostAsync(new { action, conversationId = "conv_" + Guid.NewGuid().ToString("N") }, Mallory);

        Assert.That(status, Is.EqualTo(404));
        ContractTests.AssertError(body, "session_not_found");
        Assert.That(status, Is.EqualTo(unknownStatus));
        Assert.That(WithoutRequestId(body), Is.EqualTo(WithoutRequestId(unknownBody)), "no field tells the two apart");
        Assert.That(response.Headers.Select(h => h.Key).Order(), Is.EqualTo(unknownResponse.Headers.Select(h => h.Key).Order()));
        Assert.That(ElevenLabsApi.Server.LogEntries.Count(), Is.EqualTo(elevenLabsCallsBefore), "ElevenLabs was not asked for anything");
        var stored = Store.Snapshot().Single(s => s.ConversationId == id);
        Assert.That((stored.Status, stored.EndedAt), Is.EqualTo((SessionStatus.Active, (DateTimeOffset?)null)), "Alice's session is untouched");
    }

    [Test]
    public async Task ASessionWithoutAnOwnerIsNotFoundForSignedInCallers()
    {
        var id = await PutLegacySessionAsync(Store);

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id }, Alice);

        Assert.That(status, Is.EqualTo(404));
        ContractTests.AssertError(body, "session_not_found");
    }

    [Test]
    public async Task LegacySessionsAllowLetsSignedInCallersUseSessionsWithoutAnOwner()
    {
        await using var app = await AppHost.StartAsync(Settings.For(ElevenLabsApi, [.. Settings.Firebase(Provider, ProjectId), ("Auth:LegacySessions", "Allow")]));
        var id = await PutLegacySessionAsync((InMemorySessionStore)app.Services.GetRequiredService<ISessionStore>());

        var (status, body, _) = await app.PostAsync(new { action = "get_signed_url", conversationId = id }, Alice);
        var alicesOwn = (await app.PostAsync(new { action = "create_session" }, Alice)).Body["conversationId"]!.GetValue<string>();
        var (mallorys, _, _) = await app.PostAsync(new { action = "end_session", conversationId = alicesOwn }, Mallory);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(mallorys, Is.EqualTo(404), "Allow opens sessions without an owner, never someone else's");
    }

    [Test]
    public async Task WithFirestoreTheOwnerIsStoredAndChecked()
    {
        await using var rig = await FirestoreRig.StartAsync();
        await using var app = await AppHost.StartAsync(rig.Settings(Settings.Firebase(Provider, ProjectId)));

        var (created, body, _) = await app.PostAsync(new { action = "create_session", userId = "app-user-42" }, Alice);
        var id = body["conversationId"]!.GetValue<string>();
        var (mallorys, _, _) = await app.PostAsync(new { action = "end_session", conversationId = id }, Mallory);
        var (alices, _, _) = await app.PostAsync(new { action = "end_session", conversationId = id }, Alice);

        Assert.That(created, Is.EqualTo(200), body.ToJsonString());
        var document = rig.Firestore.Document(rig.Account.ProjectId, "conversation-sessions", id)!;
        Assert.That(document["ownerId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("uid-alice"));
        Assert.That(document["userId"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("app-user-42"));
        Assert.That((mallorys, alices), Is.EqualTo((404, 200)));
    }

    /// <summary>A session as the Cloud Function (or this app before auth was on) left it: no owner.</summary>
    private static async Task<string> PutLegacySessionAsync(InMemorySessionStore store)
    {
        var now = DateTimeOffset.UtcNow;
        var id = "conv_" + Random.Shared.Next(100000, 999999);
        await store.CreateAsync(new Session
        {
            ConversationId = id,
            AgentId = "EVQJtCNSo0L6uHQnImQu",
            UserId = "user123",
            Metadata = JsonDocument.Parse("{}").RootElement,
            Status = SessionStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        });
        return id;
    }

    private static string WithoutRequestId(JsonObject body)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove("requestId");
        return copy.ToJsonString();
    }
}
