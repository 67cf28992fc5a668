using System.Net;
using System.Text;
using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Tests.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>
/// <c>Auth:Mode=Firebase</c> over HTTP, against a loopback OpenID provider whose signing key the test generates: a valid
/// ID token gets in; a missing, forged or expired one gets 401 and nothing happens; health and preflight stay open.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class FirebaseAuthTests(HostKind host) : FirebaseAppFixture(host)
{
    protected override string ProjectId => "interview-app-test";

    [SetUp]
    public void ResetElevenLabs() => ElevenLabsApi.Reset();

    private string ValidToken(string subject = "firebase-uid-1") => Token(subject);

    [Test]
    public async Task AValidIdTokenCreatesASession()
    {
        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "user123" }, ValidToken());

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.SignedUrl));
    }

    [Test]
    public async Task WithoutATokenTheAnswerIs401WithABareBearerChallenge()
    {
        var (status, body, response) = await App.PostAsync(new { action = "create_session" }, token: null);

        Assert.That(status, Is.EqualTo(401));
        ContractTests.AssertError(body, "unauthenticated");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"), "no error parameter when no token was sent");
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty);
    }

    [Test]
    public async Task AnotherAuthorizationSchemeIsTreatedAsNoToken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation")
        {
            Content = new StringContent("""{"action":"create_session"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");

        var response = await App.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
    }

    /// <summary>Every way to forge or misuse a token; each must be refused.</summary>
    public static IEnumerable<string> ForgedTokens() =>
    [
        "alg none", "HS256 signed with the public key", "wrong issuer", "wrong audience", "expired beyond the skew",
        "another Firebase project", "signed by a key the provider never published", "payload changed after signing",
        "issued in the future", "no auth_time", "auth_time in the future", "empty subject", "not a JWT",
    ];

    private string Forge(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        return kind switch
        {
            "alg none" => Unsigned(ValidToken()),
            "HS256 signed with the public key" => Provider.Token("firebase-uid-1", ProjectId, signing: new SigningCredentials(
                new SymmetricSecurityKey(Provider.SigningKey.Rsa.ExportSubjectPublicKeyInfo()) { KeyId = Provider.SigningKey.KeyId },
                SecurityAlgorithms.HmacSha256)),
            "wrong issuer" => Provider.Token("firebase-uid-1", ProjectId, issuer: "https://evil.example.com/" + ProjectId),
            "wrong audience" => Provider.Token("firebase-uid-1", "some-other-audience"),
            "expired beyond the skew" => Provider.Token("firebase-uid-1", ProjectId, issuedAt: now.AddMinutes(-63), expires: now.AddMinutes(-3)),
            "another Firebase project" => Provider.Token("firebase-uid-1", "another-project", issuer: "https://securetoken.google.com/another-project"),
            "signed by a key the provider never published" => Provider.Token("firebase-uid-1", ProjectId,
                signing: new SigningCredentials(OpenIdStandIn.UnpublishedKey(), SecurityAlgorithms.RsaSha256)),
            "payload changed after signing" => ChangeSubject(ValidToken("firebase-uid-1"), "firebase-uid-2"),
            "issued in the future" => Provider.Token("firebase-uid-1", ProjectId, issuedAt: now.AddMinutes(10)),
            "no auth_time" => Provider.Token("firebase-uid-1", ProjectId, withAuthTime: false),
            "auth_time in the future" => Provider.Token("firebase-uid-1", ProjectId, authTime: now.AddMinutes(10)),
            "empty subject" => Provider.Token("", ProjectId),
            "not a JWT" => "not-a-jwt",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    [TestCaseSource(nameof(ForgedTokens))]
    public async Task EveryForgedOrExpiredTokenIs401AndNothingHappens(string kind)
    {
        var sessionsBefore = Store.Snapshot().Count;

        var (status, body, response) = await App.PostAsync(new { action = "create_session" }, Forge(kind));

        Assert.That(status, Is.EqualTo(401), body.ToJsonString());
        ContractTests.AssertError(body, "unauthenticated");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer error=\"invalid_token\""));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty, "no signed URL for a forged token");
        Assert.That(Store.Snapshot(), Has.Count.EqualTo(sessionsBefore));
    }

    [Test]
    public async Task ATokenExpiredWithinTwoMinutesOfSkewIsStillAccepted()
    {
        var now = DateTimeOffset.UtcNow;
        var token = Provider.Token("firebase-uid-1", ProjectId, issuedAt: now.AddMinutes(-61), expires: now.AddMinutes(-1));

        var (status, body, _) = await App.PostAsync(new { action = "create_session" }, token);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
    }

    [Test]
    public async Task HealthAndPreflightNeedNoToken()
    {
        var health = await App.Client.GetAsync("/elevenlabs-conversation");
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/elevenlabs-conversation");
        var options = await App.Client.SendAsync(preflight);

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(options.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task TheTokenNeverReachesTheLogs()
    {
        var token = ValidToken("firebase-uid-logs");
        var forged = Forge("payload changed after signing");

        await App.PostAsync(new { action = "create_session" }, token);
        await App.PostAsync(new { action = "create_session" }, forged);

        var signature = token.Split('.')[2];
        Assert.That(App.LogText(), Does.Not.Contain(signature).And.Not.Contain(forged.Split('.')[1]));
    }

    [Test]
    public void OutsideDevelopmentAuthOnGivesNoOpenAccessWarning() =>
        Assert.That(App.LogMessages(LogLevel.Warning), Has.None.Contains("Auth:Mode is None"));

    /// <summary>Under the Functions worker no ASP.NET Core middleware runs: the function class itself must refuse and admit.</summary>
    [Test]
    public async Task TheFunctionEntryPointChecksTheTokenToo()
    {
        var (refused, refusedBody, refusedResponse) = await ConversationFunctionTests.InvokeAsync(App, "POST", """{"action":"create_session"}""");
        var (admitted, admittedBody, _) = await ConversationFunctionTests.InvokeAsync(App, "POST", """{"action":"create_session"}""", ValidToken());

        Assert.That(refused, Is.EqualTo(401), refusedBody.ToJsonString());
        Assert.That(refusedResponse.Headers.WWWAuthenticate.ToString(), Is.EqualTo("Bearer"));
        Assert.That(admitted, Is.EqualTo(200), admittedBody.ToJsonString());
    }

    /// <summary>The same header and payload, <c>alg</c> set to <c>none</c> and no signature.</summary>
    private static string Unsigned(string token)
    {
        var parts = token.Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return header + "." + parts[1] + ".";
    }

    private static string ChangeSubject(string token, string subject)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("firebase-uid-1", subject, StringComparison.Ordinal);
        return parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];
    }
}
