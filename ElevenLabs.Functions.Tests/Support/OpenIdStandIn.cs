using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// An OpenID Connect provider on loopback, as Firebase Authentication (securetoken.google.com) and any OIDC issuer publish
/// themselves: a discovery document at <c>/.well-known/openid-configuration</c> naming the issuer and <c>jwks_uri</c>, and a
/// JWKS of RSA keys generated at test time. It mints ID tokens signed with its current key, and counts the key fetches.
/// </summary>
public sealed class OpenIdStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RsaSecurityKey> _published = [];
    private readonly Lock _gate = new();
    private int _jwksFetches;
    private int _discoveryFetches;

    private OpenIdStandIn(WebApplication app, string? issuer)
    {
        _app = app;
        _fixedIssuer = issuer;
    }

    private readonly string? _fixedIssuer;

    public Uri Url { get; private set; } = null!;

    /// <summary>The <c>iss</c> of its tokens and discovery document: Firebase's form, or its own URL.</summary>
    public string Issuer => _fixedIssuer ?? Url.ToString().TrimEnd('/');

    public Uri DiscoveryDocument => new(Url, ".well-known/openid-configuration");

    /// <summary>The key new tokens are signed with (the last one added).</summary>
    public RsaSecurityKey SigningKey { get; private set; } = null!;

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public int DiscoveryFetches => Volatile.Read(ref _discoveryFetches);

    /// <summary>When true, every request fails with 503 (the provider is down).</summary>
    public bool Down { get; set; }

    /// <summary>A provider issuing Firebase ID tokens of <paramref name="projectId"/> (issuer <c>https://securetoken.google.com/{projectId}</c>).</summary>
    public static Task<OpenIdStandIn> StartFirebaseAsync(string projectId) => StartAsync("https://securetoken.google.com/" + projectId);

    /// <summary>A provider whose issuer is its own URL, as an OIDC authority's is.</summary>
    public static Task<OpenIdStandIn> StartOidcAsync() => StartAsync(null);

    private static async Task<OpenIdStandIn> StartAsync(string? issuer)
    {
        var standIn = new OpenIdStandIn(Loopback.NewApp(), issuer);
        standIn._app.Run(standIn.HandleAsync);
        await standIn._app.StartAsync();
        standIn.Url = standIn._app.Address();
        standIn.RotateKey();
        return standIn;
    }

    /// <summary>Publishes a new key (kept beside the old ones) and signs new tokens with it, as a provider rotating keys does.</summary>
    public RsaSecurityKey RotateKey()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "key-" + Guid.NewGuid().ToString("N")[..12] };
        lock (_gate)
        {
            _published.Add(key);
        }

        SigningKey = key;
        return key;
    }

    private static readonly RSA Unpublished = RSA.Create(2048);

    /// <summary>A key the provider never publishes, under a new key id each time: a token signed with it names a kid the app has never seen.</summary>
    public static RsaSecurityKey UnpublishedKey() => new(Unpublished) { KeyId = "key-" + Guid.NewGuid().ToString("N")[..12] };

    /// <summary>
    /// An ID token as Firebase issues it: <c>iss</c>, <c>aud</c>, <c>sub</c> (also <c>user_id</c>), <c>iat</c>, <c>exp</c> an hour
    /// later, <c>auth_time</c>; RS256 with the current key. Each argument overrides one part, to forge or break it.
    /// </summary>
    public string Token(
        string subject,
        string audience,
        string? issuer = null,
        DateTimeOffset? issuedAt = null,
        DateTimeOffset? expires = null,
        DateTimeOffset? authTime = null,
        bool withAuthTime = true,
        SigningCredentials? signing = null)
    {
        var iat = issuedAt ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            ["user_id"] = subject,
        };
        if (withAuthTime)
        {
            claims[JwtRegisteredClaimNames.AuthTime] = (authTime ?? iat.AddMinutes(-5)).ToUnixTimeSeconds();
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = iat.UtcDateTime,
            Expires = (expires ?? iat.AddHours(1)).UtcDateTime,
            Claims = claims,
            SigningCredentials = signing ?? new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Down)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        switch (context.Request.Path.Value)
        {
            case "/.well-known/openid-configuration":
                Interlocked.Increment(ref _discoveryFetches);
                await Results.Text(new JsonObject
                {
                    ["issuer"] = Issuer,
                    ["jwks_uri"] = new Uri(Url, "jwks").ToString(),
                    ["response_types_supported"] = new JsonArray("id_token"),
                    ["subject_types_supported"] = new JsonArray("public"),
                    ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                }.ToJsonString(), "application/json").ExecuteAsync(context);
                break;
            case "/jwks":
                Interlocked.Increment(ref _jwksFetches);
                JsonArray keys;
                lock (_gate)
                {
                    keys = [.. _published.Select(Jwk)];
                }

                await Results.Text(new JsonObject { ["keys"] = keys }.ToJsonString(), "application/json").ExecuteAsync(context);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private static JsonNode Jwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
