using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>get_session over HTTP: the session's state, every ElevenLabs id and the last call, never the transcript.</summary>
[TestFixture]
public sealed class GetSessionTests : AppFixture
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(_time);

    private ISessionStore Store => App.Services.GetRequiredService<ISessionStore>();

    [Test]
    public async Task AnActiveSessionIsDescribedWithItsElevenLabsIds()
    {
        ElevenLabsApi.IssueFreshConversationIds();
        var (_, created, _) = await App.PostAsync(new { action = "create_session", userId = "user123" });
        var id = created["conversationId"]!.GetValue<string>();
        await App.PostAsync(new { action = "get_signed_url", conversationId = id });

        var (status, body, _) = await App.PostAsync(new { action = "get_session", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["success"]!.GetValue<bool>(), Is.True);
        Assert.That(body["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        var data = body["data"]!.AsObject();
        Assert.That(data["conversationId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(data["agentId"]!.GetValue<string>(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
        Assert.That(data["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(DateTimeOffset.Parse(data["createdAt"]!.GetValue<string>()), Is.EqualTo(Start));
        Assert.That(data["elevenLabsConversationIds"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(ElevenLabsApi.IssuedConversationIds));
        Assert.That(data.ContainsKey("endedAt") || data.ContainsKey("lastCall") || data.ContainsKey("endedBy"), Is.False, data.ToJsonString());
        Assert.That(body.ContainsKey("signedUrl"), Is.False);
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(2), "reading a session does not ask ElevenLabs");
    }

    [Test]
    public async Task AnEndedSessionSaysWhoEndedItWhenAndHowItsLastCallWent()
    {
        var (_, created, _) = await App.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        _time.Advance(TimeSpan.FromMinutes(14));
        await App.PostAsync(new { action = "end_session", conversationId = id });
        var stored = (await Store.GetAsync(id))!;
        await Store.UpdateAsync(id, new SessionChanges
        {
            UpdatedAt = Start.AddMinutes(15),
            LastCall = new CallSummary
            {
                ElevenLabsConversationId = ElevenLabsApi.ElevenLabsConversationId,
                Status = "done",
                CallDurationSecs = 812,
                CallSuccessful = "success",
                TranscriptSummary = "Two projects, one outage.",
                TerminationReason = "end_call tool was called.",
                StartedAt = Start.AddMinutes(1),
            },
        }, stored.Version);

        var (status, body, _) = await App.PostAsync(new { action = "get_session", conversationId = id });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var data = body["data"]!.AsObject();
        Assert.That(data["status"]!.GetValue<string>(), Is.EqualTo("ended"));
        Assert.That(data["endedBy"]!.GetValue<string>(), Is.EqualTo("client"));
        Assert.That(DateTimeOffset.Parse(data["endedAt"]!.GetValue<string>()), Is.EqualTo(Start.AddMinutes(14)));
        var call = data["lastCall"]!.AsObject();
        Assert.That(call["elevenLabsConversationId"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.ElevenLabsConversationId));
        Assert.That(call["status"]!.GetValue<string>(), Is.EqualTo("done"));
        Assert.That(call["callDurationSecs"]!.GetValue<long>(), Is.EqualTo(812));
        Assert.That(call["callSuccessful"]!.GetValue<string>(), Is.EqualTo("success"));
        Assert.That(call["transcriptSummary"]!.GetValue<string>(), Is.EqualTo("Two projects, one outage."));
        Assert.That(call["terminationReason"]!.GetValue<string>(), Is.EqualTo("end_call tool was called."));
        Assert.That(DateTimeOffset.Parse(call["startedAt"]!.GetValue<string>()), Is.EqualTo(Start.AddMinutes(1)));
        Assert.That(body.ToJsonString(), Does.Not.Contain("transcript\""), "no transcript in the answer");
    }

    [Test]
    public async Task AnUnknownSessionIsNotFound()
    {
        var (status, body, _) = await App.PostAsync(new { action = "get_session", conversationId = "conv_nobody" });

        Assert.That(status, Is.EqualTo(404));
        ContractTests.AssertError(body, "session_not_found");
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("Conversation session not found"));
    }

    [Test]
    public async Task AnIdIsRequired()
    {
        var (status, body, _) = await App.PostAsync(new { action = "get_session" });

        Assert.That(status, Is.EqualTo(400));
        ContractTests.AssertError(body, "missing_conversation_id");
    }
}
