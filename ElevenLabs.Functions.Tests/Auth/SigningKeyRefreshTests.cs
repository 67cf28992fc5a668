using ElevenLabs.Functions.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>
/// The provider's keys are fetched once and cached, not per request; a token signed with a key published since is
/// accepted at once (one more fetch); unknown key ids cannot make the app fetch more than once a minute.
/// </summary>
[TestFixture]
public sealed class SigningKeyRefreshTests
{
    private const string ProjectId = "interview-app-keys";
    private OpenIdStandIn _provider = null!;
    private ElevenLabsStandIn _elevenLabs = null!;
    private AppHost _app = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _provider = await OpenIdStandIn.StartFirebaseAsync(ProjectId);
        _elevenLabs = new ElevenLabsStandIn();
        _app = await AppHost.StartAsync(Settings.For(_elevenLabs, Settings.Firebase(_provider, ProjectId)));
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
        _elevenLabs.Dispose();
    }

    private Task<int> StatusAsync(string token) =>
        _app.PostAsync(new { action = "end_session", conversationId = "conv_nobody" }, token).ContinueWith(t => t.Result.Status);

    [Test]
    public async Task FiftyRequestsFetchTheKeysOnce()
    {
        for (var i = 0; i < 50; i++)
        {
            Assert.That(await StatusAsync(_provider.Token("uid-" + i, ProjectId)), Is.EqualTo(404), "authenticated, then an unknown session");
        }

        TestContext.Progress.WriteLine($"50 requests: {_provider.DiscoveryFetches} discovery fetch(es), {_provider.JwksFetches} JWKS fetch(es)");
        Assert.That(_provider.JwksFetches, Is.EqualTo(1));
        Assert.That(_provider.DiscoveryFetches, Is.EqualTo(1));
    }

    [Test]
    public async Task ATokenSignedWithANewlyPublishedKeyIsAcceptedAtOnce()
    {
        Assert.That(await StatusAsync(_provider.Token("uid-1", ProjectId)), Is.EqualTo(404));
        _provider.RotateKey();

        var status = await StatusAsync(_provider.Token("uid-1", ProjectId));

        Assert.That(status, Is.EqualTo(404), "the first token with the new key gets in (404: the session is unknown, not 401)");
        Assert.That(_provider.JwksFetches, Is.EqualTo(2), "one fetch at start, one for the new key");
    }

    [Test]
    public async Task UnknownKeyIdsCannotMakeTheAppFetchMoreThanOnceAMinute()
    {
        Assert.That(await StatusAsync(_provider.Token("uid-1", ProjectId)), Is.EqualTo(404));
        var before = _provider.JwksFetches;

        for (var i = 0; i < 30; i++)
        {
            var forged = _provider.Token("uid-1", ProjectId, signing: new SigningCredentials(OpenIdStandIn.UnpublishedKey(), SecurityAlgorithms.RsaSha256));
            Assert.That(await StatusAsync(forged), Is.EqualTo(401));
        }

        TestContext.Progress.WriteLine($"30 tokens with unknown key ids: {_provider.JwksFetches - before} more JWKS fetch(es)");
        Assert.That(_provider.JwksFetches - before, Is.LessThanOrEqualTo(1), "Auth refreshes keys at most once a minute");
        Assert.That(await StatusAsync(_provider.Token("uid-1", ProjectId)), Is.EqualTo(404), "valid tokens still get in");
    }

    [Test]
    public async Task AProviderThatCannotBeReachedIsA503WithRetryAfterNotA401()
    {
        _provider.Down = true;

        var (status, body, response) = await _app.PostAsync(new { action = "create_session" }, _provider.Token("uid-1", ProjectId));
        var fetchesAfterFirst = _provider.DiscoveryFetches;
        var (again, _, _) = await _app.PostAsync(new { action = "create_session" }, _provider.Token("uid-1", ProjectId));

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        Api.ContractTests.AssertError(body, "auth_unavailable");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.Not.Null);
        Assert.That(again, Is.EqualTo(503));
        Assert.That(_provider.DiscoveryFetches, Is.EqualTo(fetchesAfterFirst), "a failed fetch is not repeated on every request");
        Assert.That(_elevenLabs.SignedUrlRequests, Is.Empty);
    }
}
