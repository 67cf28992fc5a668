using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>
/// <c>Auth:Mode=Oidc</c>: any OpenID Connect issuer, found from <c>Auth:Oidc:Authority</c>'s discovery document (here a
/// loopback provider whose issuer is its own URL), with <c>Auth:Oidc:Audience</c>.
/// </summary>
[TestFixture]
public sealed class OidcAuthTests
{
    private const string Audience = "api://interview-backend";
    private OpenIdStandIn _provider = null!;
    private ElevenLabsStandIn _elevenLabs = null!;
    private AppHost _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _provider = await OpenIdStandIn.StartOidcAsync();
        _elevenLabs = new ElevenLabsStandIn();
        _app = await AppHost.StartAsync(Settings.For(_elevenLabs,
            ("Auth:Mode", "Oidc"),
            ("Auth:Oidc:Authority", _provider.Url.ToString()),
            ("Auth:Oidc:Audience", Audience),
            ("Auth:RequireHttpsMetadata", "false")));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
        _elevenLabs.Dispose();
    }

    [Test]
    public async Task ATokenFromTheAuthorityForThisAudienceGetsIn()
    {
        var (status, body, _) = await _app.PostAsync(new { action = "create_session" }, _provider.Token("entra-object-id", Audience, withAuthTime: false));

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(_provider.JwksFetches, Is.Positive, "keys found through the authority's discovery document");
    }

    [TestCase("api://another-api", null)]
    [TestCase(Audience, "https://login.example.com/another-tenant")]
    public async Task AnotherAudienceOrIssuerIs401(string audience, string? issuer)
    {
        var (status, body, _) = await _app.PostAsync(new { action = "create_session" }, _provider.Token("entra-object-id", audience, issuer));

        Assert.That(status, Is.EqualTo(401), body.ToJsonString());
        ContractTests.AssertError(body, "unauthenticated");
    }
}
