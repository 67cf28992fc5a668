using Azure;
using Azure.Core;
using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// Firestore without a key: the app's Azure managed identity gets a token for <c>Firestore:WorkloadIdentity:AzureTokenScope</c>,
/// Google STS exchanges it for a federated token, and IAM credentials turns that into the service account's token.
/// The result is cached until <see cref="RefreshMargin"/> before it expires; one refresh runs at a time and every
/// caller that needs a token meanwhile waits for it, so under load an instance makes one Azure token request, one
/// exchange and one impersonation an hour. A failed refresh is the answer for <see cref="FailureMemory"/>.
/// </summary>
internal sealed partial class WorkloadIdentityFederation(
    TokenCredential azure,
    GoogleTokenExchange google,
    IOptions<FirestoreOptions> options,
    TimeProvider time,
    ILogger<WorkloadIdentityFederation> logger) : IFirestoreCredential
{
    /// <summary>How long before it expires a token is replaced.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    /// <summary>How long a failed refresh answers every caller before the next one is tried.</summary>
    public static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(5);

    /// <summary>A refresh that has not finished by then fails (each of its calls has its own, shorter, time-outs).</summary>
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromMinutes(1);

    private readonly FirestoreWorkloadIdentityOptions _federation = options.Value.WorkloadIdentity;
    private readonly TimeSpan _attemptTimeout = options.Value.Timeout;
    private readonly Lock _gate = new();
    private GoogleToken? _token;
    private Task<GoogleToken>? _refresh;
    private DateTimeOffset _failedUntil;

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
        Task<GoogleToken> refresh;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_token is { } token && now < token.ExpiresAt - RefreshMargin)
            {
                return "Bearer " + token.Value;
            }

            if (_refresh is { IsFaulted: true } && now >= _failedUntil)
            {
                _refresh = null;
            }

            // One refresh at a time: every caller that needs a token now awaits the same one.
            _refresh ??= RefreshAsync();
            refresh = _refresh;
        }

        return "Bearer " + (await refresh.WaitAsync(cancellationToken)).Value;
    }

    private async Task<GoogleToken> RefreshAsync()
    {
        await Task.Yield(); // out of the caller's lock
        using var timeout = new CancellationTokenSource(RefreshTimeout, time); // not any one caller's: they may give up, the refresh goes on
        try
        {
            var token = await FetchAsync(timeout.Token);
            lock (_gate)
            {
                _token = token;
                _refresh = null;
            }

            LogRefreshed(logger, ServiceAccount, Pool, Provider, token.ExpiresAt);
            return token;
        }
        catch
        {
            lock (_gate)
            {
                _failedUntil = time.GetUtcNow() + FailureMemory;
            }

            throw;
        }
    }

    private async Task<GoogleToken> FetchAsync(CancellationToken cancellationToken)
    {
        var scope = _federation.AzureTokenScope!;
        AccessToken azureToken;
        try
        {
            // One attempt's time-out (Firestore:Timeout) bounds Azure.Identity's own retries of an endpoint that does not answer.
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(_attemptTimeout);
            azureToken = await azure.GetTokenAsync(new TokenRequestContext([scope]), attempt.Token);
        }
        catch (Exception ex) // AuthenticationFailedException, CredentialUnavailableException, or our time-out
        {
            if (IsUnreachable(ex))
            {
                LogAzureUnreachable(logger, ex, scope);
                throw new SessionStoreException(SessionStoreFailure.Unavailable, "The Azure managed identity endpoint could not be reached.", ex);
            }

            LogAzureRefused(logger, ex, scope);
            throw new SessionStoreException(SessionStoreFailure.PermissionDenied, "The Azure managed identity could not get a token for Google.", ex);
        }

        var subject = AzureSubjectToken.Read(azureToken.Token);
        GoogleToken federated;
        try
        {
            federated = await google.ExchangeAsync(azureToken.Token, cancellationToken);
        }
        catch (GoogleTokenException ex) when (ex.Transient)
        {
            LogStsUnavailable(logger, _federation.StsUrl, ex.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ex.Error ?? "no answer");
            throw new SessionStoreException(SessionStoreFailure.Unavailable, "Google STS could not be reached.", ex);
        }
        catch (GoogleTokenException ex)
        {
            LogStsRefused(logger, Pool, Provider, ProjectNumber, ex.Error ?? "?", ex.Description ?? "",
                subject.ExpectedIssuer, subject.IssuerText, subject.AudienceText, subject.SubjectText);
            throw new SessionStoreException(SessionStoreFailure.PermissionDenied, "Google STS refused the Azure token.", ex);
        }

        try
        {
            return await google.ImpersonateAsync(federated, cancellationToken);
        }
        catch (GoogleTokenException ex) when (ex.Transient)
        {
            LogImpersonationUnavailable(logger, _federation.EffectiveImpersonationUrl, ex.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ex.Error ?? "no answer");
            throw new SessionStoreException(SessionStoreFailure.Unavailable, "Google IAM credentials could not be reached.", ex);
        }
        catch (GoogleTokenException ex) when (ex.HttpStatus is 401 or 403 or 404)
        {
            var principal = $"principal://iam.googleapis.com/projects/{ProjectNumber}/locations/global/workloadIdentityPools/{Pool}/subject/{subject.SubjectText}";
            LogImpersonationRefused(logger, ServiceAccount, ex.Error ?? "?", ex.Description ?? "", principal);
            throw new SessionStoreException(SessionStoreFailure.PermissionDenied, "Google refused to let the Azure identity act as the service account.", ex);
        }
        catch (GoogleTokenException ex)
        {
            LogImpersonationFailed(logger, ServiceAccount, ex.HttpStatus ?? 0, ex.Error ?? "?", ex.Description ?? "");
            throw new SessionStoreException(SessionStoreFailure.Failed, "Google IAM credentials did not issue a token for the service account.", ex);
        }
    }

    /// <summary>No answer from the identity endpoint (refused, reset, timed out) or a 5xx/429 from it: trying again later may help.</summary>
    private static bool IsUnreachable(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var ex))
        {
            if (ex is HttpRequestException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException
                || ex is RequestFailedException { Status: 0 or 408 or 429 or >= 500 })
            {
                return true;
            }

            if (ex is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (ex.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Google access token for service account {ServiceAccount} obtained through workload identity federation (pool {Pool}, provider {Provider}), valid until {ExpiresAt:O}")]
    private static partial void LogRefreshed(ILogger logger, string serviceAccount, string pool, string provider, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Azure managed identity endpoint could not be reached for a token for {Scope} (Firestore:WorkloadIdentity:AzureTokenScope): on Azure, check the app runs as its managed identity (IDENTITY_ENDPOINT), and KeyVault:ManagedIdentityClientId / AZURE_CLIENT_ID")]
    private static partial void LogAzureUnreachable(ILogger logger, Exception exception, string scope);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Azure managed identity could not get a token for {Scope} (Firestore:WorkloadIdentity:AzureTokenScope): check that an Entra ID application has that application ID URI (infra/setup-workload-identity.sh creates it) and that KeyVault:ManagedIdentityClientId / AZURE_CLIENT_ID names the app's identity")]
    private static partial void LogAzureRefused(ILogger logger, Exception exception, string scope);

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
}
