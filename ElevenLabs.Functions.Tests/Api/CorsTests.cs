using System.Net;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>With Cors:AllowedOrigins set, allowed origins get CORS headers on every answer and on preflight; others get none.</summary>
[TestFixture]
public sealed class CorsTests
{
    private const string Allowed = "https://interview.example.com";
    private ElevenLabsStandIn _elevenLabs = null!;
    private AppHost _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _app = await AppHost.StartAsync(Settings.For(_elevenLabs, ("Cors:AllowedOrigins", $"http://localhost:3000, {Allowed}")));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        _elevenLabs.Dispose();
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/elevenlabs-conversation");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    [Test]
    public async Task PreflightFromAnAllowedOriginIsAnswered()
    {
        var response = await _app.Client.SendAsync(Preflight(Allowed));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Methods").Single(), Does.Contain("POST"));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers").Single(), Does.Contain("content-type"));
        Assert.That(response.Headers.Vary, Does.Contain("Origin"));
    }

    [Test]
    public async Task PreflightFromAnotherOriginGetsNoCorsHeaders()
    {
        var response = await _app.Client.SendAsync(Preflight("https://evil.example.com"));

        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
        Assert.That(response.Headers.Contains("Access-Control-Allow-Methods"), Is.False);
    }

    [Test]
    public async Task EveryAnswerToAnAllowedOriginCarriesTheHeaders()
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation") { Content = new StringContent("{}") };
        post.Headers.Add("Origin", Allowed);
        var get = new HttpRequestMessage(HttpMethod.Get, "/elevenlabs-conversation");
        get.Headers.Add("Origin", Allowed);

        var error = await _app.Client.SendAsync(post);
        var health = await _app.Client.SendAsync(get);

        Assert.That((int)error.StatusCode, Is.EqualTo(400));
        Assert.That(error.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed));
        Assert.That(health.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed));
    }

    [Test]
    public async Task WildcardAllowsAnyOrigin()
    {
        await using var app = await AppHost.StartAsync(Settings.For(_elevenLabs, ("Cors:AllowedOrigins", "*")));

        var response = await app.Client.SendAsync(Preflight("https://anywhere.example.org"));

        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
    }
}
