using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// The two documented calls that turn the app's Azure token into the service account's access token: Google STS's
/// token exchange (RFC 8693), then IAM credentials' <c>generateAccessToken</c>. Google.Apis.Auth's external-account
/// credential does the same but asks STS for the <c>iam</c> scope and reads errors by host name, so the calls are
/// made here, over the named client <see cref="HttpClientName"/> (retries and time-outs from the Firestore settings).
/// </summary>
internal sealed partial class GoogleTokenExchange(IHttpClientFactory clients, IOptions<FirestoreOptions> options, TimeProvider time)
{
    public const string HttpClientName = "google-workload-identity";
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    /// <summary>What the service account's token is asked for: Google's maximum without an org policy exception.</summary>
    private const string Lifetime = "3600s";

    private readonly FirestoreWorkloadIdentityOptions _federation = options.Value.WorkloadIdentity;

    /// <summary>STS: the Azure token (a JWT) for a federated access token with the cloud-platform scope.</summary>
    /// <exception cref="GoogleTokenException">STS refused, failed or could not be reached.</exception>
    public async Task<GoogleToken> ExchangeAsync(string subjectToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _federation.StsUrl)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", TokenExchangeGrant),
                new("audience", _federation.Audience ?? ""),
                new("scope", CloudPlatformScope),
                new("requested_token_type", AccessTokenType),
                new("subject_token", subjectToken),
                new("subject_token_type", JwtTokenType),
            ]),
        };
        using var response = await SendAsync(GoogleTokenStep.Exchange, request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await ReadAsync(response, GoogleTokenJsonContext.Default.OAuthErrorResponse, cancellationToken);
            throw Failure(GoogleTokenStep.Exchange, response, error?.Error, error?.Description);
        }

        var answer = await ReadAsync(response, GoogleTokenJsonContext.Default.StsTokenResponse, cancellationToken);
        return answer is { AccessToken: { Length: > 0 } token, ExpiresIn: > 0 and var seconds }
            ? new GoogleToken(token, time.GetUtcNow().AddSeconds(seconds))
            : throw new GoogleTokenException(GoogleTokenStep.Exchange, (int)response.StatusCode, "invalid_response",
                "STS answered without access_token and expires_in.", transient: false);
    }

    /// <summary>IAM credentials: the federated token for the service account's access token with the datastore scope.</summary>
    /// <exception cref="GoogleTokenException">IAM refused, failed or could not be reached.</exception>
    public async Task<GoogleToken> ImpersonateAsync(GoogleToken federated, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _federation.EffectiveImpersonationUrl)
        {
            Content = JsonContent.Create(new GenerateAccessTokenRequest([FirestoreOptions.Scope], Lifetime),
                GoogleTokenJsonContext.Default.GenerateAccessTokenRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", federated.Value);
        using var response = await SendAsync(GoogleTokenStep.Impersonation, request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await FirestoreErrors.ReadAsync(response, cancellationToken); // Google's {"error":{code,message,status}}
            throw Failure(GoogleTokenStep.Impersonation, response, error.Status, error.Message);
        }

        var answer = await ReadAsync(response, GoogleTokenJsonContext.Default.GenerateAccessTokenResponse, cancellationToken);
        return answer is { AccessToken: { Length: > 0 } token, ExpireTime: { } expires }
            ? new GoogleToken(token, expires)
            : throw new GoogleTokenException(GoogleTokenStep.Impersonation, (int)response.StatusCode, "invalid_response",
                "generateAccessToken answered without accessToken and expireTime.", transient: false);
    }

    private async Task<HttpResponseMessage> SendAsync(GoogleTokenStep step, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or RateLimiterRejectedException)
        {
            var reason = ex is HttpRequestException http ? http.HttpRequestError.ToString() : ex.GetType().Name;
            throw new GoogleTokenException(step, null, reason, null, transient: true, ex);
        }
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken);
        }
        catch (JsonException)
        {
            return default; // not JSON (a proxy's page): the HTTP status says what happened
        }
    }

    private static GoogleTokenException Failure(GoogleTokenStep step, HttpResponseMessage response, string? error, string? description)
    {
        var status = (int)response.StatusCode;
        var transient = status is 408 or 429 or >= 500;
        return new GoogleTokenException(step, status, error, Scrub(description), transient);
    }

    /// <summary>Google's description, shortened, with anything shaped like a JWT or an OAuth token taken out.</summary>
    internal static string? Scrub(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }

        var scrubbed = TokenLike().Replace(description, "[token]");
        return scrubbed.Length <= 500 ? scrubbed : scrubbed[..500] + "...";
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|ya29\.[A-Za-z0-9_.-]+", RegexOptions.CultureInvariant)]
    private static partial Regex TokenLike();
}
