using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ElevenLabs.Functions.Auth;

/// <summary>
/// Checks a bearer token with Microsoft.IdentityModel: signature by a key from the issuer's published JWKS (cached; fetched
/// again when a token names an unknown key, at most once a minute), issuer, audience, <c>exp</c> with 2 minutes of skew,
/// asymmetric algorithms only (RS256 only for Firebase), and a non-empty <c>sub</c>. Firebase tokens must also have
/// <c>iat</c> and <c>auth_time</c> in the past, as the Firebase Admin SDKs require.
/// A token signed with a key the cached JWKS lacks makes the handler fetch the keys and retry at once (the
/// <c>Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking</c> switch, set in the project file), rather than refusing it
/// while a background refresh runs.
/// </summary>
public sealed partial class BearerTokenValidator
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    /// <summary>After the keys could not be fetched, requests are answered 503 for this long without asking again.</summary>
    public static readonly TimeSpan KeysRetryAfter = TimeSpan.FromSeconds(5);

    private static readonly string[] FirebaseAlgorithms = [SecurityAlgorithms.RsaSha256];

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly AuthOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _keys;
    private readonly TokenValidationParameters _parameters;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time;
    private readonly ILogger<BearerTokenValidator> _logger;
    private long _keysUnavailableUntilTicks; // UTC ticks; read and written atomically

    public BearerTokenValidator(IOptions<AuthOptions> options, IHttpClientFactory clients, TimeProvider time, ILogger<BearerTokenValidator> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        var firebase = _options.Mode == AuthMode.Firebase;
        _keys = new ConfigurationManager<OpenIdConnectConfiguration>(
            _options.DiscoveryDocument.ToString(),
            new OpenIdConnectConfigurationRetriever(),
            new OpenIdDocumentRetriever(clients, _options.RequireHttpsMetadata))
        {
            RefreshInterval = TimeSpan.FromMinutes(1), // an unknown kid fetches the keys again at most this often
            AutomaticRefreshInterval = TimeSpan.FromHours(1),
        };
        _parameters = new TokenValidationParameters
        {
            ConfigurationManager = _keys,
            ValidateIssuer = true,
            ValidIssuer = firebase ? _options.Firebase.Issuer : null, // Oidc: the discovery document's issuer
            ValidateAudience = true,
            ValidAudience = firebase ? _options.Firebase.ProjectId : _options.Oidc.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = firebase ? FirebaseAlgorithms : AsymmetricAlgorithms,
            ClockSkew = ClockSkew,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
    }

    /// <summary>The token's subject, if the token is valid.</summary>
    /// <exception cref="UnauthenticatedException">The token is not valid.</exception>
    /// <exception cref="AuthUnavailableException">The issuer's keys could not be fetched.</exception>
    public async Task<string> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        await EnsureKeysAsync(cancellationToken);
        // A copy per call: the handler writes to the parameters it is given (RefreshBeforeValidation, ValidateWithLKG).
        var result = await _handler.ValidateTokenAsync(token, _parameters.Clone());
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            throw Refused(result.Exception?.GetType().Name ?? "invalid token");
        }

        var subject = jwt.Subject;
        if (string.IsNullOrEmpty(subject))
        {
            throw Refused("no sub claim");
        }

        if (_options.Mode == AuthMode.Firebase)
        {
            CheckFirebaseClaims(jwt);
        }
        else if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var issuedAt) && InTheFuture(issuedAt))
        {
            throw Refused("iat in the future");
        }

        return subject;
    }

    /// <summary>What the Firebase Admin SDKs check beyond signature, issuer, audience and expiry.</summary>
    private void CheckFirebaseClaims(JsonWebToken jwt)
    {
        if (!string.Equals(jwt.Issuer, _options.Firebase.Issuer, StringComparison.Ordinal))
        {
            throw Refused("issuer of another project");
        }

        if (jwt.Subject.Length > 128)
        {
            throw Refused("sub longer than 128 characters");
        }

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var issuedAt) || InTheFuture(issuedAt))
        {
            throw Refused("iat missing or in the future");
        }

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.AuthTime, out var authTime) || InTheFuture(authTime))
        {
            throw Refused("auth_time missing or in the future");
        }
    }

    private bool InTheFuture(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds) > _time.GetUtcNow() + ClockSkew;

    /// <summary>
    /// The keys, fetched once and then cached by the configuration manager. A failed first fetch answers 503 for
    /// <see cref="KeysRetryAfter"/> without asking the issuer again, so an outage does not become a fetch per request.
    /// </summary>
    private async Task EnsureKeysAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var unavailableUntil = new DateTimeOffset(Interlocked.Read(ref _keysUnavailableUntilTicks), TimeSpan.Zero);
        if (now < unavailableUntil)
        {
            throw new AuthUnavailableException("The token issuer's keys are unavailable.", unavailableUntil - now);
        }

        try
        {
            await _keys.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _keysUnavailableUntilTicks, (now + KeysRetryAfter).UtcTicks);
            LogKeysUnavailable(_logger, ex, _options.DiscoveryDocument.ToString());
            throw new AuthUnavailableException("The token issuer's keys could not be fetched.", KeysRetryAfter, ex);
        }
    }

    private UnauthenticatedException Refused(string reason)
    {
        LogRefused(_logger, reason);
        return new UnauthenticatedException(tokenPresent: true, "The bearer token was refused: " + reason + ".");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bearer token refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The token issuer's keys could not be fetched from {DiscoveryDocument}: no bearer token can be checked")]
    private static partial void LogKeysUnavailable(ILogger logger, Exception exception, string discoveryDocument);
}

/// <summary>
/// Fetches the issuer's discovery document and keys through <see cref="IHttpClientFactory"/> (so handlers rotate and the
/// calls are reported as dependencies), with Microsoft.IdentityModel's own retriever doing the checks (https, status).
/// </summary>
public sealed class OpenIdDocumentRetriever(IHttpClientFactory clients, bool requireHttps) : IDocumentRetriever
{
    public const string HttpClientName = "openid-metadata";

    public Task<string> GetDocumentAsync(string address, CancellationToken cancel) =>
        new HttpDocumentRetriever(clients.CreateClient(HttpClientName)) { RequireHttps = requireHttps }.GetDocumentAsync(address, cancel);
}
