using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Api;

[TestFixture]
public sealed class MissingKeyTests
{
    [Test]
    public async Task WithNoConfigurationHealthIsUpAndCreateSaysTheKeyIsMissing()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var app = await AppHost.StartAsync(new Dictionary<string, string?> { ["ElevenLabs:BaseUrl"] = elevenLabs.Url, ["Sessions:Store"] = "InMemory" });

        var health = await app.Client.GetAsync("/elevenlabs-conversation");
        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That((int)health.StatusCode, Is.EqualTo(200));
        Assert.That(status, Is.EqualTo(500));
        ContractTests.AssertError(body, "api_key_not_configured");
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("ElevenLabs API key is not configured"));
        Assert.That(elevenLabs.SignedUrlRequests, Is.Empty, "no request goes out without a key");
        Assert.That(app.LogMessages(Microsoft.Extensions.Logging.LogLevel.Warning), Has.Some.Contains("lost on restart"));
    }
}
