using ElevenLabs.Functions.Tests.Support;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ElevenLabs.Functions.Tests.Browser;

/// <summary>
/// The Cloud Function's browser client (its <c>createConversationSession</c>) in headless Chromium, served from one loopback
/// origin and calling the app on another: only the base URL changed, CORS preflight included.
/// </summary>
[TestFixture]
public sealed class CloudFunctionClientTests
{
    private ElevenLabsStandIn _elevenLabs = null!;
    private WireMockServer _pages = null!;
    private AppHost _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    /// <summary>The Cloud Function's client code, as plain JavaScript, with the Cloud Function's URL swapped for ours.</summary>
    private static string Page(Uri functionUrl) => $$"""
        <!doctype html>
        <html><head><title>AI interview</title></head><body>
        <p id="status">idle</p>
        <script>
        const jobContext = { jobTitle: 'Software Engineer' };
        const createConversationSession = async () => {
          const response = await fetch('{{functionUrl}}', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              action: 'create_session',
              userId: 'current-user',
              candidateId: 'current-candidate',
              jobId: jobContext.jobTitle,
              metadata: {
                jobTitle: jobContext.jobTitle,
                source: 'ai-interview-client'
              }
            }),
          });

          const data = await response.json();
          return data.signedUrl;
        };
        </script>
        </body></html>
        """;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _pages = WireMockServer.Start();
        var pageOrigin = _pages.Url!.TrimEnd('/');
        _app = await AppHost.StartAsync(Settings.For(_elevenLabs, ("Cors:AllowedOrigins", pageOrigin)));
        var page = Page(new Uri($"http://localhost:{_app.BaseAddress.Port}/elevenlabs-conversation"));
        _pages.Given(Request.Create().WithPath("/interview").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/html; charset=utf-8").WithBody(page));
        (_playwright, _browser) = await Support.Browser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _app.DisposeAsync();
        _pages.Stop();
        _elevenLabs.Dispose();
    }

    [Test]
    public async Task TheCloudFunctionsClientGetsASignedUrlFromAnotherOrigin()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_pages.Url + "/interview");

        var signedUrl = await page.EvaluateAsync<string>("createConversationSession()");

        Assert.That(signedUrl, Is.EqualTo(_elevenLabs.SignedUrl));
        var request = _elevenLabs.SignedUrlRequests.Last().RequestMessage;
        Assert.That(request.Query!["agent_id"].Single(), Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
    }

    /// <summary>
    /// The same client with Firebase Authentication on, as docs/security.md tells it: <c>await user.getIdToken()</c> in the
    /// <c>Authorization</c> header. (<c>user</c> stands in for Firebase's signed-in user: it hands out a token the test's
    /// OpenID provider signed.) The header makes the browser send a preflight, which must allow it.
    /// </summary>
    [Test]
    public async Task TheSignedInClientSendsItsIdTokenCrossOriginAndGetsASignedUrl()
    {
        const string projectId = "browser-project";
        await using var provider = await OpenIdStandIn.StartFirebaseAsync(projectId);
        var pageOrigin = _pages.Url!.TrimEnd('/');
        await using var app = await AppHost.StartAsync(Settings.For(_elevenLabs, [.. Settings.Firebase(provider, projectId), ("Cors:AllowedOrigins", pageOrigin)]));
        var functionUrl = new Uri($"http://localhost:{app.BaseAddress.Port}/elevenlabs-conversation");
        _pages.Given(Request.Create().WithPath("/interview-signed-in").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/html; charset=utf-8")
                .WithBody(SignedInPage(functionUrl, provider.Token("firebase-uid-browser", projectId))));
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_pages.Url + "/interview-signed-in");

        var signedIn = await page.EvaluateAsync<string>("createConversationSession()");
        var anonymous = await page.EvaluateAsync<string>("withoutToken()");

        Assert.That(signedIn, Is.EqualTo("200 " + _elevenLabs.SignedUrl));
        Assert.That(anonymous, Is.EqualTo("401 unauthenticated Bearer"), "the 401 is readable cross-origin, challenge included");
    }

    private static string SignedInPage(Uri functionUrl, string idToken) => $$"""
        <!doctype html>
        <html><head><title>AI interview</title></head><body>
        <script>
        const user = { getIdToken: async () => '{{idToken}}' };
        const createConversationSession = async () => {
          const response = await fetch('{{functionUrl}}', {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'Authorization': `Bearer ${await user.getIdToken()}`,
            },
            body: JSON.stringify({ action: 'create_session', userId: 'current-user', metadata: { source: 'ai-interview-client' } }),
          });
          const data = await response.json();
          return response.status + ' ' + (data.signedUrl ?? data.code);
        };
        const withoutToken = async () => {
          const response = await fetch('{{functionUrl}}', {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'create_session' }),
          });
          return response.status + ' ' + (await response.json()).code + ' ' + response.headers.get('WWW-Authenticate');
        };
        </script>
        </body></html>
        """;

    [Test]
    public async Task AnOriginThatIsNotAllowedIsBlockedByTheBrowser()
    {
        using var otherPages = WireMockServer.Start();
        otherPages.Given(Request.Create().WithPath("/interview").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/html; charset=utf-8")
                .WithBody(Page(new Uri($"http://localhost:{_app.BaseAddress.Port}/elevenlabs-conversation"))));
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(otherPages.Url + "/interview");

        var outcome = await page.EvaluateAsync<string>("createConversationSession().then(() => 'allowed', e => 'blocked: ' + e.message)");

        Assert.That(outcome, Does.StartWith("blocked"));
    }
}
