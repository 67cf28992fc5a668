using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>What the client sees when ElevenLabs fails, and that no session is left active by a failed create.</summary>
[TestFixture]
public sealed class ElevenLabsFailureTests : AppFixture
{
    protected override IEnumerable<(string Key, string? Value)> ExtraSettings =>
        [("ElevenLabs:Timeout", "00:00:00.500"), ("ElevenLabs:MaxRetries", "2")];

    private IReadOnlyList<Session> Sessions => ((InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>()).Snapshot();

    private async Task<(int Status, System.Text.Json.Nodes.JsonObject Body, HttpResponseMessage Response)> CreateAsync() =>
        await App.PostAsync(new { action = "create_session", userId = "u1" });

    [Test]
    public async Task WrongKeyIsABadGatewayAndNoSessionStaysActive()
    {
        var before = Sessions.Count;
        ElevenLabsApi.ApiKey = "sk_other_" + Guid.NewGuid().ToString("N"); // the configured key is revoked

        var (status, body, _) = await CreateAsync();

        Assert.That(status, Is.EqualTo(502));
        ContractTests.AssertError(body, "elevenlabs_unauthorized");
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("Failed to create conversation session"));
        Assert.That(body.ToJsonString(), Does.Not.Contain("Invalid API key"), "the upstream body is never echoed");
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(1), "a 401 is not retried");
        Assert.That(Sessions.Skip(before), Is.Empty, "nothing is written when ElevenLabs fails");
    }

    [Test]
    public async Task RateLimitIsServiceUnavailableWithRetryAfter()
    {
        var before = Sessions.Count;
        ElevenLabsApi.Answers(429, """{"detail":{"status":"too_many_concurrent_requests","message":"Too many concurrent requests"}}""", retryAfter: "7");

        var (status, body, response) = await CreateAsync();

        Assert.That(status, Is.EqualTo(503));
        ContractTests.AssertError(body, "elevenlabs_busy");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(3), "429 is retried twice");
        Assert.That(Sessions, Has.Count.EqualTo(before), "nothing is written when ElevenLabs fails");
    }

    [Test]
    public async Task ServerErrorIsRetriedThenABadGateway()
    {
        ElevenLabsApi.Answers(500, """{"detail":"Internal Server Error"}""");

        var (status, body, _) = await CreateAsync();

        Assert.That(status, Is.EqualTo(502));
        ContractTests.AssertError(body, "elevenlabs_error");
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task OneServerErrorIsRetriedAway()
    {
        ElevenLabsApi.FailsOnce(503);

        var (status, body, _) = await CreateAsync();

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.SignedUrl));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task TimeoutIsABadGateway()
    {
        ElevenLabsApi.Answers(200, """{"signed_url":"wss://late"}""", delay: TimeSpan.FromSeconds(3));

        var (status, body, _) = await CreateAsync();

        Assert.That(status, Is.EqualTo(502));
        ContractTests.AssertError(body, "elevenlabs_timeout");
    }

    [Test]
    public async Task ValidationErrorIsABadGatewayWithoutTheUpstreamText()
    {
        ElevenLabsApi.Answers(422, """{"detail":[{"loc":["query","agent_id"],"msg":"secret upstream text","type":"value_error"}]}""");

        var (status, body, _) = await CreateAsync();

        Assert.That(status, Is.EqualTo(502));
        ContractTests.AssertError(body, "elevenlabs_rejected");
        Assert.That(body.ToJsonString(), Does.Not.Contain("secret upstream text"));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AnswerWithoutSignedUrlIsABadGateway()
    {
        ElevenLabsApi.Answers(200, """{"unexpected":true}""");

        var (status, body, _) = await CreateAsync();

        Assert.That(status, Is.EqualTo(502));
        ContractTests.AssertError(body, "elevenlabs_error");
    }

    [Test]
    public async Task NeitherTheKeyNorTheSignedUrlTokenAppearsInLogs()
    {
        var (_, created, _) = await CreateAsync();
        await App.PostAsync(new { action = "get_signed_url", conversationId = created["conversationId"]!.GetValue<string>() });
        ElevenLabsApi.Answers(401, """{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}""");
        await CreateAsync();

        var logs = App.LogText();

        Assert.That(logs, Does.Contain("issued signed URL wss://api.elevenlabs.io/v1/convai/conversation?[redacted]"), "the capture sees the ElevenLabs calls at all");
        Assert.That(logs, Does.Contain(ElevenLabsApi.ElevenLabsConversationId));
        Assert.That(logs, Does.Not.Contain(ElevenLabsApi.ApiKey));
        Assert.That(logs, Does.Not.Contain(ElevenLabsApi.Token));
    }
}
