using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Google's Security Token Service on loopback: <c>POST /v1/token</c>, the OAuth 2.0 token exchange (RFC 8693) for one
/// workload identity pool provider of the OIDC kind. It checks every form field (grant type, requested and subject
/// token types, the provider's full name as audience, a scope generateAccessToken accepts: <c>iam</c>, which Google's
/// client libraries ask for before impersonating, or <c>cloud-platform</c>), that the subject token is one the
/// managed identity endpoint issued, and, as the provider does, the token's issuer and audience against the
/// provider's issuer and allowed audiences. Refusals are OAuth errors: <c>{"error","error_description"}</c>.
/// </summary>
public sealed class GoogleStsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ManagedIdentityStandIn _identity;
    private int _requests;

    private GoogleStsStandIn(WebApplication app, ManagedIdentityStandIn identity)
    {
        _app = app;
        _identity = identity;
    }

    public Uri TokenUrl { get; private set; } = null!;

    /// <summary>The provider's full name: <c>//iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/{pool}/providers/{provider}</c>.</summary>
    public required string Audience { get; init; }

    /// <summary>The provider's issuer URI (<c>https://sts.windows.net/{tenant}/</c>).</summary>
    public string ProviderIssuer { get; set; } = "";

    /// <summary>The provider's allowed audiences: the application ID URIs it accepts tokens for.</summary>
    public ConcurrentDictionary<string, bool> AllowedAudiences { get; } = new();

    /// <summary>Every federated token handed out, with the subject it stands for: what IAM credentials accepts.</summary>
    public ConcurrentDictionary<string, string> IssuedTokens { get; } = new();

    /// <summary>The scope each federated token was issued with.</summary>
    public ConcurrentDictionary<string, string> IssuedScopes { get; } = new();

    /// <summary>The scopes Google documents for IAM credentials' <c>generateAccessToken</c>.</summary>
    public static readonly IReadOnlySet<string> ImpersonationScopes = new HashSet<string>
    {
        "https://www.googleapis.com/auth/iam",
        "https://www.googleapis.com/auth/cloud-platform",
    };

    /// <summary>While set, every exchange answers 503 UNAVAILABLE (Google's transient error).</summary>
    public bool Unavailable { get; set; }

    public int Requests => _requests;

    public static async Task<GoogleStsStandIn> StartAsync(ManagedIdentityStandIn identity, string audience)
    {
        var standIn = new GoogleStsStandIn(Loopback.NewApp(), identity) { Audience = audience, ProviderIssuer = identity.Issuer };
        standIn._app.MapPost("/v1/token", (Delegate)standIn.ExchangeAsync);
        await standIn._app.StartAsync();
        standIn.TokenUrl = new Uri(standIn._app.Address(), "/v1/token");
        return standIn;
    }

    public void ResetCounts() => Interlocked.Exchange(ref _requests, 0);

    private async Task<IResult> ExchangeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Unavailable)
        {
            return Results.Json(new { error = "temporarily_unavailable", error_description = "The service is currently unavailable." }, statusCode: 503);
        }

        if (!context.Request.HasFormContentType)
        {
            return Refuse("invalid_request", "The request must be application/x-www-form-urlencoded.");
        }

        var form = await context.Request.ReadFormAsync();
        string Field(string name) => form[name].Count == 1 ? form[name].ToString() : "";
        if (Field("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange")
        {
            return Refuse("unsupported_grant_type", $"Unsupported grant type: '{Field("grant_type")}'.");
        }

        if (Field("requested_token_type") != "urn:ietf:params:oauth:token-type:access_token")
        {
            return Refuse("invalid_request", $"Invalid value for \"requested_token_type\": {Field("requested_token_type")}");
        }

        if (Field("subject_token_type") != "urn:ietf:params:oauth:token-type:jwt")
        {
            return Refuse("invalid_request", $"Invalid value for \"subject_token_type\": {Field("subject_token_type")}");
        }

        var scope = Field("scope");
        if (scope.Length == 0 || scope.Split(' ').Any(s => !s.StartsWith("https://www.googleapis.com/auth/", StringComparison.Ordinal)))
        {
            return Refuse("invalid_scope", $"Invalid scope: '{Field("scope")}'.");
        }

        if (Field("audience") != Audience)
        {
            return Refuse("invalid_target",
                "The target service indicated by the \"audience\" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn't exist.");
        }

        var subjectToken = Field("subject_token");
        if (!_identity.IssuedTokens.ContainsKey(subjectToken))
        {
            return Refuse("invalid_grant", "Invalid JWT: the token was not signed by a key of the provider's issuer.");
        }

        var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(subjectToken.Split('.')[1]))!;
        var issuer = claims["iss"]!.GetValue<string>();
        var audience = claims["aud"]!.GetValue<string>();
        if (issuer != ProviderIssuer)
        {
            return Refuse("invalid_grant", $"The issuer in ID Token {issuer} does not match the expected ISSUER {ProviderIssuer}.");
        }

        if (!AllowedAudiences.ContainsKey(audience))
        {
            return Refuse("invalid_grant", $"The audience in ID Token [{audience}] does not match the expected audience.");
        }

        var token = "sts-federated-" + Guid.NewGuid().ToString("N");
        IssuedTokens[token] = claims["sub"]!.GetValue<string>();
        IssuedScopes[token] = scope;
        return Results.Json(new
        {
            access_token = token,
            issued_token_type = "urn:ietf:params:oauth:token-type:access_token",
            token_type = "Bearer",
            expires_in = 3600,
        });
    }

    private static IResult Refuse(string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: 400);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
