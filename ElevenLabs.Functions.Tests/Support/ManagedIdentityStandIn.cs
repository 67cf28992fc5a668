using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// The managed identity endpoint of Azure App Service and Azure Functions on loopback, as Azure.Identity (MSAL) calls
/// it: <c>GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&amp;resource=...&amp;client_id=...</c> with header
/// <c>X-IDENTITY-HEADER: {IDENTITY_HEADER}</c>, answering <c>{access_token, expires_on, resource, token_type, client_id}</c>.
/// The token is an Entra ID v1 access token (RS256, signed with a key made at test time): issuer
/// <c>https://sts.windows.net/{tenant}/</c>, audience the resource, subject and <c>oid</c> the identity's object id.
/// Only the user-assigned identity's client id and resources (application ID URIs) it knows get a token, with
/// App Service's 400 otherwise.
/// </summary>
public sealed class ManagedIdentityStandIn : IAsyncDisposable
{
    public const string ApiVersion = "2019-08-01";
    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private int _requests;

    private ManagedIdentityStandIn(WebApplication app)
    {
        _app = app;
    }

    /// <summary>What <c>IDENTITY_ENDPOINT</c> is set to.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>What <c>IDENTITY_HEADER</c> is set to: a secret the platform gives the app.</summary>
    public string Secret { get; } = "identity-header-" + Guid.NewGuid().ToString("N");

    public string TenantId { get; } = Guid.NewGuid().ToString();

    /// <summary>The user-assigned identity: its client id (what the app names it by) and object id (its subject).</summary>
    public string ClientId { get; } = Guid.NewGuid().ToString();

    public string ObjectId { get; } = Guid.NewGuid().ToString();

    public string Issuer => $"https://sts.windows.net/{TenantId}/";

    /// <summary>Application ID URIs a token can be had for (a resource no application has gets AADSTS500011).</summary>
    public ConcurrentDictionary<string, bool> Resources { get; } = new();

    /// <summary>Every token handed out: what STS accepts as a subject token.</summary>
    public ConcurrentDictionary<string, string> IssuedTokens { get; } = new();

    /// <summary>Every request as received: its query string, and whether it carried the right secret header.</summary>
    public ConcurrentQueue<(IQueryCollection Query, bool SecretHeader)> Calls { get; } = new();

    public int Requests => _requests;

    public static async Task<ManagedIdentityStandIn> StartAsync()
    {
        var standIn = new ManagedIdentityStandIn(Loopback.NewApp());
        standIn._app.MapGet("/msi/token", (Delegate)standIn.Token);
        await standIn._app.StartAsync();
        standIn.Endpoint = new Uri(standIn._app.Address(), "/msi/token");
        return standIn;
    }

    /// <summary>The environment Azure gives the app's process: <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c>.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["IDENTITY_ENDPOINT"] = Endpoint.ToString(),
        ["IDENTITY_HEADER"] = Secret,
    };

    public void ResetCounts()
    {
        Interlocked.Exchange(ref _requests, 0);
        Calls.Clear();
    }

    private IResult Token(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var query = context.Request.Query;
        var secretHeader = context.Request.Headers["X-IDENTITY-HEADER"].ToString() == Secret;
        Calls.Enqueue((query, secretHeader));
        if (!secretHeader)
        {
            return Problem(401, "The X-IDENTITY-HEADER header is missing or wrong.");
        }

        if (query["api-version"] != ApiVersion)
        {
            return Problem(400, $"Unsupported api-version '{query["api-version"]}'.");
        }

        if (query["client_id"] != ClientId)
        {
            return Problem(400, "Unable to load the proper Managed Identity.");
        }

        var resource = query["resource"].ToString();
        if (!Resources.ContainsKey(resource))
        {
            return Problem(400, $"AADSTS500011: The resource principal named {resource} was not found in the tenant named {TenantId}.");
        }

        var now = DateTimeOffset.UtcNow;
        var expiresOn = now.AddHours(24).ToUnixTimeSeconds();
        var token = Jwt(new Dictionary<string, object>
        {
            ["aud"] = resource,
            ["iss"] = Issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = expiresOn,
            ["appid"] = ClientId,
            ["idtyp"] = "app",
            ["oid"] = ObjectId,
            ["sub"] = ObjectId,
            ["tid"] = TenantId,
            ["ver"] = "1.0",
            ["xms_mirid"] = "/subscriptions/0/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app",
        });
        IssuedTokens[token] = ObjectId;
        return Results.Json(new Dictionary<string, string>
        {
            ["access_token"] = token,
            ["expires_on"] = expiresOn.ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = ClientId,
        });
    }

    private string Jwt(Dictionary<string, object> claims)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = "test" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static IResult Problem(int status, string message) =>
        Results.Json(new { statusCode = status, message, correlationId = Guid.NewGuid() }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
