using Azure.Core;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Store;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// Firestore without a key, through Google.Apis.Auth's <see cref="ProgrammaticExternalAccountCredential"/>: the app's
/// Azure managed identity token (<see cref="AzureSubjectTokenProvider"/>) is exchanged at Google STS for a federated
/// token with the <c>iam</c> scope, which IAM credentials' <c>generateAccessToken</c> turns into the service account's
/// Firestore token. The library caches both tokens and refreshes one at a time (in the background in a token's last
/// minutes, every caller waiting only in its last minute), so under load an instance makes one Azure token request,
/// one exchange and one impersonation an hour. What the library does not do stays here: a failed refresh is the
/// answer for <see cref="FailureMemory"/> (no storm of token calls while Google or the identity is broken), and each
/// failure is logged once, with what the operator has to fix.
/// </summary>
internal sealed partial class WorkloadIdentityFederation : IFirestoreCredential
{
    /// <summary>The named HTTP client of the token calls (retries and time-outs from the Firestore settings).</summary>
    public const string HttpClientName = "google-workload-identity";

    /// <summary>How long a failed refresh answers every caller before the next one is tried.</summary>
    public static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(5);

    private const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";

    private readonly FirestoreWorkloadIdentityOptions _federation;
    private readonly ServiceCredential _google;
    private readonly AzureSubjectTokenProvider _azure;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private (Exception Cause, SessionStoreException Answer, DateTimeOffset Until)? _failure;
    private string? _current;

    public WorkloadIdentityFederation(
        TokenCredential azure, IHttpMessageHandlerFactory handlers, IOptions<FirestoreOptions> options, TimeProvider time, ILogger<WorkloadIdentityFederation> logger)
    {
        _federation = options.Value.WorkloadIdentity;
        _time = time;
        _logger = logger;
        _azure = new AzureSubjectTokenProvider(azure, _federation.AzureTokenScope!, options.Value.Timeout, logger);
        _google = new ProgrammaticExternalAccountCredential(
            new ProgrammaticExternalAccountCredential.Initializer(_federation.StsUrl.ToString(), _federation.Audience!, JwtTokenType, _azure)
            {
                ServiceAccountImpersonationUrl = _federation.EffectiveImpersonationUrl.ToString(),
                Scopes = [FirestoreOptions.Scope],
                HttpClientFactory = new GoogleHttpClientFactory(handlers, HttpClientName),
                Clock = new TimeProviderClock(time),
                DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None, // the named client retries
            });
    }

    private string Pool => _federation.Provider?.Pool ?? "?";
    private string Provider => _federation.Provider?.Provider ?? "?";
    private string ProjectNumber => _federation.Provider?.ProjectNumber ?? "?";
    private string ServiceAccount => _federation.ServiceAccountEmail ?? "?";

    public string Description =>
        $"workload identity federation (the Azure managed identity, through pool {Pool} provider {Provider} of project {ProjectNumber}, as service account {ServiceAccount})";

    public string? ServiceAccountEmail => _federation.ServiceAccountEmail;

    public ValueTask<string?> ProjectIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null); // Firestore:ProjectId is required

    public async ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_failure is { } failure && _time.GetUtcNow() < failure.Until)
            {
                throw Copy(failure.Answer);
            }
        }

        string token;
        try
        {
            token = await ((ITokenAccess)_google).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Remember(ex);
        }

        if (Interlocked.Exchange(ref _current, token) != token && _google.Token is { } issued)
        {
            LogRefreshed(_logger, ServiceAccount, Pool, Provider, new DateTimeOffset(issued.IssuedUtc, TimeSpan.Zero).AddSeconds(issued.ExpiresInSeconds ?? 0));
        }

        return "Bearer " + token;
    }

    /// <summary>
    /// The failure as the store's error, logged once per failed refresh (every caller waiting on one refresh gets its
    /// exception), and remembered for <see cref="FailureMemory"/>.
    /// </summary>
    private SessionStoreException Remember(Exception exception)
    {
        lock (_gate)
        {
            if (_failure is { } known && ReferenceEquals(known.Cause, exception))
            {
                return Copy(known.Answer);
            }

            var answer = Translate(exception);
            _failure = (exception, answer, _time.GetUtcNow() + FailureMemory);
            return answer;
        }
    }

    private static SessionStoreException Copy(SessionStoreException answer) => new(answer.Failure, answer.Message, answer.InnerException);

    private SessionStoreException Translate(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SessionStoreException azure: // the Azure token: logged where it failed
                    return azure;
                case GoogleTokenException { Exchange: true, Transient: true } sts:
                    LogStsUnavailable(_logger, _federation.StsUrl, sts.Reason);
                    return new SessionStoreException(SessionStoreFailure.Unavailable, "Google STS could not be reached.", sts);
                case GoogleTokenException { Exchange: true } sts:
                    var subject = _azure.LastSubject;
                    LogStsRefused(_logger, Pool, Provider, ProjectNumber, sts.Error ?? "?", sts.Description ?? "",
                        subject.ExpectedIssuer, subject.IssuerText, subject.AudienceText, subject.SubjectText);
                    return new SessionStoreException(SessionStoreFailure.PermissionDenied, "Google STS refused the Azure token.", sts);
                case GoogleTokenException { Transient: true } iam:
                    LogImpersonationUnavailable(_logger, _federation.EffectiveImpersonationUrl, iam.Reason);
                    return new SessionStoreException(SessionStoreFailure.Unavailable, "Google IAM credentials could not be reached.", iam);
                case GoogleTokenException { HttpStatus: 401 or 403 or 404 } iam:
                    var principal = $"principal://iam.googleapis.com/projects/{ProjectNumber}/locations/global/workloadIdentityPools/{Pool}/subject/{_azure.LastSubject.SubjectText}";
                    LogImpersonationRefused(_logger, ServiceAccount, iam.Error ?? "?", iam.Description ?? "", principal);
                    return new SessionStoreException(SessionStoreFailure.PermissionDenied, "Google refused to let the Azure identity act as the service account.", iam);
                case GoogleTokenException iam:
                    LogImpersonationFailed(_logger, ServiceAccount, iam.HttpStatus ?? 0, iam.Error ?? "?", iam.Description ?? "");
                    return new SessionStoreException(SessionStoreFailure.Failed, "Google IAM credentials did not issue a token for the service account.", iam);
            }
        }

        // An answer the library could not read as a token (TokenResponseException), or anything else it threw.
        LogNoToken(_logger, ServiceAccount, exception.GetType().Name, (exception as TokenResponseException)?.StatusCode?.ToString() ?? "-");
        return new SessionStoreException(SessionStoreFailure.Failed, "Google did not issue a token for the service account.", exception);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Google access token for service account {ServiceAccount} obtained through workload identity federation (pool {Pool}, provider {Provider}), valid until {ExpiresAt:O}")]
    private static partial void LogRefreshed(ILogger logger, string serviceAccount, string pool, string provider, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Google STS {StsUrl} could not be reached or failed ({Reason}): trying again later")]
    private static partial void LogStsUnavailable(ILogger logger, Uri stsUrl, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Google STS refused the Azure token for workload identity pool {Pool}, provider {Provider} (project {ProjectNumber}) with {OAuthError} (\"{Description}\"). "
        + "Check the provider: its issuer must be {ExpectedIssuer} (the token's issuer is {TokenIssuer}); its allowed audiences must include {TokenAudience} (the token's audience, from Firestore:WorkloadIdentity:AzureTokenScope); "
        + "its attribute mapping must map google.subject=assertion.sub, and any attribute condition must accept subject {TokenSubject}")]
    private static partial void LogStsRefused(ILogger logger, string pool, string provider, string projectNumber, string oAuthError, string description,
        string expectedIssuer, string tokenIssuer, string tokenAudience, string tokenSubject);

    [LoggerMessage(Level = LogLevel.Error, Message = "Google IAM credentials {ImpersonationUrl} could not be reached or failed ({Reason}): trying again later")]
    private static partial void LogImpersonationUnavailable(ILogger logger, Uri impersonationUrl, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Google refused to let the Azure managed identity act as service account {ServiceAccount} with {Status} (\"{Description}\"): "
        + "grant roles/iam.workloadIdentityUser on the service account to {Principal} "
        + "(gcloud iam service-accounts add-iam-policy-binding {ServiceAccount} --role=roles/iam.workloadIdentityUser --member={Principal})")]
    private static partial void LogImpersonationRefused(ILogger logger, string serviceAccount, string status, string description, string principal);

    [LoggerMessage(Level = LogLevel.Error, Message = "Google IAM credentials did not issue a token for service account {ServiceAccount} ({HttpStatus} {Status}: {Description})")]
    private static partial void LogImpersonationFailed(ILogger logger, string serviceAccount, int httpStatus, string status, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "Google did not issue a token for service account {ServiceAccount} through workload identity federation ({Error}, HTTP {HttpStatus})")]
    private static partial void LogNoToken(ILogger logger, string serviceAccount, string error, string httpStatus);
}
