using System.Net;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>With Cors:AllowedOrigins set, allowed origins get CORS headers on every answer and on preflight; others get none.</summary>
[TestFixture]
public sealed class CorsTests : AppFixture
{
    private const string Allowed = "https://interview.example.com";

    protected override IEnumerable<(string Key, string? Value)> ExtraSettings =>
        [("Cors:AllowedOrigins", $"http://localhost:3000, {Allowed}")];
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
        var response = await App.Client.SendAsync(Preflight(Allowed));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Methods").Single(), Does.Contain("POST"));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers").Single(), Does.Contain("content-type").IgnoreCase);
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers").Single(), Does.Contain("authorization").IgnoreCase);
        Assert.That(response.Headers.Vary, Does.Contain("Origin"));
    }

    [Test]
    public async Task PreflightFromAnotherOriginGetsNoCorsHeaders()
    {
        var response = await App.Client.SendAsync(Preflight("https://evil.example.com"));

        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
        Assert.That(response.Headers.Contains("Access-Control-Allow-Methods"), Is.False);
    }

    [Test]
    public async Task EveryAnswerToAnAllowedOriginCarriesTheHeaders()
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        post.Headers.Add("Origin", Allowed);
        var get = new HttpRequestMessage(HttpMethod.Get, "/elevenlabs-conversation");
        get.Headers.Add("Origin", Allowed);

        var error = await App.Client.SendAsync(post);
        var health = await App.Client.SendAsync(get);

        Assert.That((int)error.StatusCode, Is.EqualTo(400));
        Assert.That(error.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed));
        Assert.That(health.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed));
    }

    [TestCase("HTTPS://INTERVIEW.EXAMPLE.COM")]
    [TestCase("https://Interview.Example.Com")]
    [TestCase("Https://interview.example.COM")]
    public async Task ACaseVariantOfAnAllowedOriginIsAnsweredWithTheConfiguredOrigin(string variant)
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation")
        {
            Content = new StringContent("""{"action":"end_session","conversationId":"conv_cors"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        post.Headers.Add("Origin", variant);

        var preflight = await App.Client.SendAsync(Preflight(variant));
        var answer = await App.Client.SendAsync(post);

        Assert.That(preflight.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed), "the preflight names the configured origin");
        Assert.That(answer.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Allowed), "so does the answer");
        Assert.That(preflight.Headers.Vary, Does.Contain("Origin"));
    }

    [TestCase("https://interview.example.com:8443")]
    [TestCase("http://interview.example.com")]
    [TestCase("https://interview.example.com.evil.example")]
    public async Task AnotherPortSchemeOrHostIsNotAllowed(string origin)
    {
        var response = await App.Client.SendAsync(Preflight(origin));

        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }

    [TestCase("content-type")]
    [TestCase("authorization")]
    [TestCase("Content-Type, Authorization")]
    public async Task APreflightIsAnsweredWithTheHeadersTheApiAccepts(string requested)
    {
        var request = Preflight(Allowed);
        request.Headers.Remove("Access-Control-Request-Headers");
        request.Headers.Add("Access-Control-Request-Headers", requested);

        var response = await App.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers").Single().Split(',').Select(h => h.Trim()),
            Is.EqualTo(new[] { "Content-Type", "Authorization" }), "the accepted headers, not an echo of the request");
    }

    [Test]
    public async Task APreflightAskingForAnotherHeaderGetsOnlyTheAcceptedOnes()
    {
        var request = Preflight(Allowed);
        request.Headers.Remove("Access-Control-Request-Headers");
        request.Headers.Add("Access-Control-Request-Headers", "content-type, x-evil");

        var response = await App.Client.SendAsync(request);

        var allowed = response.Headers.TryGetValues("Access-Control-Allow-Headers", out var values) ? values.Single() : "";
        Assert.That(allowed, Does.Not.Contain("x-evil").IgnoreCase, "a header the API does not accept is never allowed");
    }

    [Test]
    public async Task WildcardAllowsAnyOrigin()
    {
        await using var app = await AppHost.StartAsync(Settings.For(ElevenLabsApi, ("Cors:AllowedOrigins", "*")));

        var response = await app.Client.SendAsync(Preflight("https://anywhere.example.org"));

        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
    }
}
