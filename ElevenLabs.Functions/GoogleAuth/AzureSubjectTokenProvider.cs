using Azure;
using Azure.Core;
using ElevenLabs.Functions.Store;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// The subject token Google STS exchanges: the app's Azure managed identity's token for <paramref name="scope"/>
/// (<c>Firestore:WorkloadIdentity:AzureTokenScope</c>), cached by Azure.Identity. Each call is bounded by
/// <paramref name="attemptTimeout"/> (<c>Firestore:Timeout</c>), which also bounds Azure.Identity's own retries of an
/// endpoint that does not answer. A failure is logged with what to check and thrown as a <see cref="SessionStoreException"/>.
/// </summary>
internal sealed partial class AzureSubjectTokenProvider(TokenCredential azure, string scope, TimeSpan attemptTimeout, ILogger logger)
    : ProgrammaticExternalAccountCredential.ISubjectTokenProvider
{
    /// <summary>What the last Azure token said about itself: the operator message of an STS refusal names it.</summary>
    public AzureSubjectToken LastSubject { get; private set; } = new(null, null, null, null);

    public async Task<string> GetSubjectTokenAsync(ProgrammaticExternalAccountCredential caller, CancellationToken taskCancellationToken)
    {
        AccessToken token;
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(taskCancellationToken);
            attempt.CancelAfter(attemptTimeout);
            token = await azure.GetTokenAsync(new TokenRequestContext([scope]), attempt.Token);
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

        LastSubject = AzureSubjectToken.Read(token.Token);
        return token.Token;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "The Azure managed identity endpoint could not be reached for a token for {Scope} (Firestore:WorkloadIdentity:AzureTokenScope): on Azure, check the app runs as its managed identity (IDENTITY_ENDPOINT), and KeyVault:ManagedIdentityClientId / AZURE_CLIENT_ID")]
    private static partial void LogAzureUnreachable(ILogger logger, Exception exception, string scope);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Azure managed identity could not get a token for {Scope} (Firestore:WorkloadIdentity:AzureTokenScope): check that an Entra ID application has that application ID URI (infra/setup-workload-identity.sh creates it) and that KeyVault:ManagedIdentityClientId / AZURE_CLIENT_ID names the app's identity")]
    private static partial void LogAzureRefused(ILogger logger, Exception exception, string scope);
}

/// <summary>
/// What the Azure token says about itself, read (not validated: Google does that) for operator messages: its issuer,
/// audience, subject (the managed identity's object id, which the provider maps to <c>google.subject</c>) and tenant.
/// Never the token itself.
/// </summary>
internal sealed record AzureSubjectToken(string? Issuer, string? Audience, string? Subject, string? TenantId)
{
    private const string Unknown = "(not a JWT)";

    public static AzureSubjectToken Read(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return new AzureSubjectToken(
                jwt.Issuer,
                string.Join(' ', jwt.Audiences),
                jwt.Subject,
                jwt.TryGetPayloadValue<string>("tid", out var tenant) ? tenant : null);
        }
        catch (ArgumentException)
        {
            return new AzureSubjectToken(null, null, null, null);
        }
    }

    /// <summary>The issuer a provider must have for tokens of this tenant (Entra ID v1 tokens, as managed identities get).</summary>
    public string ExpectedIssuer => $"https://sts.windows.net/{TenantId ?? "<tenant id>"}/";

    public string IssuerText => Issuer ?? Unknown;

    public string AudienceText => Audience ?? Unknown;

    public string SubjectText => Subject ?? "<managed identity object id>";
}
