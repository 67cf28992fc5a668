using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>The one mapping from a failure to status, code, message and Retry-After, without a server.</summary>
[TestFixture]
public sealed class ApiErrorsTests
{
    private static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData(new SessionNotFoundException("conv_1"), 404, "session_not_found", false);
        yield return new TestCaseData(new SessionNotActiveException("conv_1", SessionStatus.Ended), 409, "session_ended", false);
        yield return new TestCaseData(new SessionNotActiveException("conv_1", SessionStatus.Failed), 409, "session_not_active", false);
        yield return new TestCaseData(new SessionConflictException("conv_1", "changed"), 409, "session_conflict", false);
        yield return new TestCaseData(new SecretNotConfiguredException(SecretKind.ElevenLabsApiKey), 500, "api_key_not_configured", false);
        yield return new TestCaseData(new SecretUnavailableException(SecretKind.ElevenLabsApiKey, "403", transient: false), 500, "secret_forbidden", false);
        yield return new TestCaseData(new SecretUnavailableException(SecretKind.ElevenLabsApiKey, "down"), 503, "secret_unavailable", true);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.Unauthorized, "401"), 502, "elevenlabs_unauthorized", false);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.RateLimited, "429"), 503, "elevenlabs_busy", true);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.TooManyCalls, "limit"), 503, "elevenlabs_busy", true);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.CircuitOpen, "open"), 503, "elevenlabs_unavailable", true);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.Timeout, "slow"), 502, "elevenlabs_timeout", false);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.Unreachable, "down"), 502, "elevenlabs_unreachable", false);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.Rejected, "422"), 502, "elevenlabs_rejected", false);
        yield return new TestCaseData(new ElevenLabsException(ElevenLabsFailure.ServerError, "500"), 502, "elevenlabs_error", false);
        yield return new TestCaseData(new SessionStoreException(SessionStoreFailure.Unavailable, "down"), 503, "store_unavailable", true);
        yield return new TestCaseData(new SessionStoreException(SessionStoreFailure.PermissionDenied, "403"), 500, "store_error", false);
        yield return new TestCaseData(new UnauthenticatedException(tokenPresent: false, "none"), 401, "unauthenticated", false);
        yield return new TestCaseData(new UnauthenticatedException(tokenPresent: true, "expired"), 401, "unauthenticated", false);
        yield return new TestCaseData(new AuthUnavailableException("keys down", TimeSpan.FromSeconds(5)), 503, "auth_unavailable", true);
        yield return new TestCaseData(new RateLimitedException("slow down", TimeSpan.FromSeconds(6)), 429, "rate_limited", true);
        yield return new TestCaseData(new QuotaExceededException(50, TimeSpan.FromHours(3)), 429, "quota_exceeded", true);
        yield return new TestCaseData(new InvalidOperationException("bug"), 500, "internal_error", false);
    }

    [TestCaseSource(nameof(Failures))]
    public void EachFailureHasItsStatusCodeAndRetryAfter(Exception exception, int status, string code, bool retry)
    {
        var error = ApiErrors.From(exception, CreateSession.Name);

        Assert.That((error.StatusCode, error.Code), Is.EqualTo((status, code)));
        Assert.That(error.RetryAfter.HasValue, Is.EqualTo(retry), "Retry-After only where trying again may help");
        Assert.That(error.IsServerFailure, Is.EqualTo(status >= 500));
    }

    [Test]
    public void ElevenLabsRetryAfterIsPassedOn()
    {
        var error = ApiErrors.From(new ElevenLabsException(ElevenLabsFailure.RateLimited, "429", TimeSpan.FromSeconds(7)), CreateSession.Name);

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [TestCase(false, "Bearer")]
    [TestCase(true, "Bearer error=\"invalid_token\"")]
    public void A401ChallengesForABearerTokenAndSaysInvalidTokenOnlyWhenOneWasSent(bool tokenPresent, string challenge)
    {
        var error = ApiErrors.From(new UnauthenticatedException(tokenPresent, "reason"), null);

        Assert.That(error.Challenge, Is.EqualTo(challenge));
        Assert.That(error.Message + error.Detail, Does.Not.Contain("reason"), "why a token was refused stays in the log");
    }

    [Test]
    public void TheRateLimitersRetryAfterIsPassedOn() =>
        Assert.That(ApiErrors.From(new RateLimitedException("slow down", TimeSpan.FromSeconds(6)), CreateSession.Name).RetryAfter,
            Is.EqualTo(TimeSpan.FromSeconds(6)));

    [Test]
    public void UpstreamMessagesNeverReachTheClient()
    {
        var error = ApiErrors.From(new ElevenLabsException(ElevenLabsFailure.Unauthorized, "ElevenLabs answered 401: Invalid API key sk_123"), GetSignedUrl.Name);

        Assert.That(error.Message, Is.EqualTo("Failed to get signed URL"));
        Assert.That(error.Message + error.Detail, Does.Not.Contain("sk_123"));
    }

    [TestCase("create_session", "Failed to create conversation session")]
    [TestCase("get_signed_url", "Failed to get signed URL")]
    [TestCase("end_session", "Failed to end conversation session")]
    public void ServerFailuresUseTheCloudFunctionsWording(string action, string message) =>
        Assert.That(ApiErrors.From(new SessionStoreException(SessionStoreFailure.Failed, "x"), action).Message, Is.EqualTo(message));
}
