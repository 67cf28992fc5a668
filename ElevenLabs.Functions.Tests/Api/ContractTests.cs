using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>The Cloud Function's contract over real HTTP: the self-hosted app on loopback, ElevenLabs a WireMock stand-in.</summary>
[TestFixture]
public sealed class ContractTests : AppFixture
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(_time);

    private InMemorySessionStore Store => (InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>();

    private async Task<JsonObject> CreateAsync()
    {
        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "user123" });
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        return body;
    }

    [Test]
    public async Task GetAnswersHealthyWithoutCallingElevenLabs()
    {
        var response = await App.Client.GetAsync("/elevenlabs-conversation");
        var body = await AppHost.ReadAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
        Assert.That(body["service"]!.GetValue<string>(), Is.EqualTo("elevenlabs-conversation"));
        Assert.That(body["version"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(DateTimeOffset.Parse(body["timestamp"]!.GetValue<string>()), Is.EqualTo(_time.GetUtcNow()));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty);
    }

    [Test]
    public async Task CreateSessionReturnsTheSignedUrlAndStoresAnActiveSession()
    {
        var (status, body, _) = await App.PostAsync(CloudFunctionRequests.CreateSession);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var id = body["conversationId"]!.GetValue<string>();
        Assert.That(id, Does.Match("^conv_[A-Za-z0-9_-]{22,}$"));
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.SignedUrl));
        var data = body["data"]!.AsObject();
        Assert.That(data["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(data["agentId"]!.GetValue<string>(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(data["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(data["createdAt"]!.GetValue<string>(), Does.EndWith("Z"));

        var request = ElevenLabsApi.SignedUrlRequests.Single().RequestMessage;
        Assert.That(request.Query!["agent_id"].Single(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(request.Query!["include_conversation_id"].Single(), Is.EqualTo("true"));

        var stored = Store.Snapshot().Single(s => s.ConversationId == id);
        Assert.That(stored.Status, Is.EqualTo(SessionStatus.Active));
        Assert.That(stored.UserId, Is.EqualTo("user123"));
        Assert.That(stored.CandidateId, Is.EqualTo("candidate456"));
        Assert.That(stored.JobId, Is.EqualTo("job789"));
        Assert.That(stored.Metadata.GetProperty("jobTitle").GetString(), Is.EqualTo("Software Engineer"));
        Assert.That(stored.ElevenLabsConversationId, Is.EqualTo(ElevenLabsApi.ElevenLabsConversationId));
        Assert.That(stored.ElevenLabsConversationIds, Is.EqualTo(new[] { ElevenLabsApi.ElevenLabsConversationId }));
        Assert.That(stored.CreatedAt, Is.EqualTo(_time.GetUtcNow()));
    }

    [Test]
    public async Task ConversationIdsAreRandomAndNeverTheClientsChoice()
    {
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var (_, body, _) = await App.PostAsync(new { action = "create_session", conversationId = "conv_mine" });
            ids.Add(body["conversationId"]!.GetValue<string>());
        }

        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.None.EqualTo("conv_mine"));
        var sorted = ids.Order(StringComparer.Ordinal).ToList();
        Assert.That(ids, Is.Not.EqualTo(sorted), "ids should not come out in sequence");
    }

    [Test]
    public async Task GetSignedUrlGivesAFreshUrlForAnActiveSession()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.SignedUrl));
        Assert.That(body["data"]!["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task EveryElevenLabsConversationOfASessionIsLinkedToIt()
    {
        ElevenLabsApi.IssueFreshConversationIds();
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();

        for (var i = 0; i < 2; i++)
        {
            var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });
            Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        }

        var stored = Store.Snapshot().Single(s => s.ConversationId == id);
        Assert.That(ElevenLabsApi.IssuedConversationIds, Has.Count.EqualTo(3));
        Assert.That(stored.ElevenLabsConversationIds, Is.EqualTo(ElevenLabsApi.IssuedConversationIds), "every id, oldest first");
        Assert.That(stored.ElevenLabsConversationId, Is.EqualTo(ElevenLabsApi.IssuedConversationIds[^1]), "the latest, for older readers");
    }

    [Test]
    public async Task GetSignedUrlForAnUnknownSessionIsNotFound()
    {
        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = "conv_unknown" });

        Assert.That(status, Is.EqualTo(404));
        AssertError(body, "session_not_found");
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty);
    }

    [Test]
    public async Task GetSignedUrlForAnEndedSessionIsConflict()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();
        await App.PostAsync(new { action = "end_session", conversationId = id });

        var (status, body, _) = await App.PostAsync(new { action = "get_signed_url", conversationId = id });

        Assert.That(status, Is.EqualTo(409));
        AssertError(body, "session_ended");
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("Conversation session has ended"));
    }

    [Test]
    public async Task EndSessionMarksItEndedAndEndingAgainKeepsTheFirstEndedAt()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();
        _time.Advance(TimeSpan.FromMinutes(12));
        var firstEnd = _time.GetUtcNow();

        var (status, body, _) = await App.PostAsync(new { action = "end_session", conversationId = id });
        _time.Advance(TimeSpan.FromMinutes(1));
        var (againStatus, again, _) = await App.PostAsync(new { action = "end_session", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["data"]!["status"]!.GetValue<string>(), Is.EqualTo("ended"));
        Assert.That(DateTimeOffset.Parse(body["data"]!["endedAt"]!.GetValue<string>()), Is.EqualTo(firstEnd));
        Assert.That(againStatus, Is.EqualTo(200), again.ToJsonString());
        Assert.That(DateTimeOffset.Parse(again["data"]!["endedAt"]!.GetValue<string>()), Is.EqualTo(firstEnd));
        var stored = Store.Snapshot().Single(s => s.ConversationId == id);
        Assert.That(stored.Status, Is.EqualTo(SessionStatus.Ended));
        Assert.That(stored.EndedAt, Is.EqualTo(firstEnd));
        Assert.That(stored.EndedBy, Is.EqualTo(SessionEndedBy.Client));
        Assert.That(stored.UpdatedAt, Is.EqualTo(firstEnd));
    }

    [Test]
    public async Task EndingManyTimesAtOnceLeavesOneEndedAt()
    {
        var id = (await CreateAsync())["conversationId"]!.GetValue<string>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            if (i % 10 == 0)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            return await App.PostAsync(new { action = "end_session", conversationId = id });
        }));

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(200));
        var endedAts = answers.Select(a => a.Body["data"]!["endedAt"]!.GetValue<string>()).Distinct().ToList();
        Assert.That(endedAts, Has.Count.EqualTo(1), "every caller sees the one endedAt that was stored");
        Assert.That(DateTimeOffset.Parse(endedAts[0]), Is.EqualTo(Store.Snapshot().Single(s => s.ConversationId == id).EndedAt));
    }

    [Test]
    public async Task EndingAnUnknownSessionIsNotFound()
    {
        var (status, body, _) = await App.PostAsync(new { action = "end_session", conversationId = "conv_nobody" });

        Assert.That(status, Is.EqualTo(404));
        AssertError(body, "session_not_found");
    }

    [Test]
    public async Task SessionsMadeByTheCloudFunctionCanStillBeLookedUp()
    {
        var (status, body, _) = await App.PostAsync(new { action = "end_session", conversationId = "conv_123456" });

        Assert.That(status, Is.EqualTo(404), "a legacy-shaped id is looked up, not refused");
        AssertError(body, "session_not_found");
    }

    [TestCase("PUT")]
    [TestCase("DELETE")]
    [TestCase("PATCH")]
    public async Task OtherMethodsAreNotAllowed(string method)
    {
        var response = await App.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/elevenlabs-conversation"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "POST", "OPTIONS" }));
        AssertError(await AppHost.ReadAsync(response), "method_not_allowed");
    }

    [Test]
    public async Task OptionsWithoutCorsSettingAnswersWithoutCorsHeaders()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/elevenlabs-conversation");
        request.Headers.Add("Origin", "https://app.example.com");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await App.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }

    public static void AssertError(JsonObject body, string code)
    {
        Assert.That(body["success"]!.GetValue<bool>(), Is.False, body.ToJsonString());
        Assert.That(body["error"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(body["code"]!.GetValue<string>(), Is.EqualTo(code), body.ToJsonString());
        Assert.That(body["requestId"]!.GetValue<string>(), Does.Match("^[0-9a-zA-Z:-]+$"));
    }
}
