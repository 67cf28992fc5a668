using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Google's IAM Service Account Credentials API on loopback:
/// <c>POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken</c> with <c>{"scope":[...],"lifetime":"3600s"}</c>,
/// answering <c>{"accessToken","expireTime"}</c>. The bearer must be a federated token from the STS stand-in issued
/// with a scope the call accepts (<c>iam</c> or <c>cloud-platform</c>), the requested scope exactly Firestore's, and the federated principal
/// (<c>principal://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/{pool}/subject/{subject}</c>)
/// must hold <c>roles/iam.workloadIdentityUser</c> on the account; errors are Google's <c>{"error":{code,message,status}}</c>.
/// </summary>
public sealed class IamCredentialsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GoogleStsStandIn _sts;
    private int _requests;

    private IamCredentialsStandIn(WebApplication app, GoogleStsStandIn sts)
    {
        _app = app;
        _sts = sts;
    }

    public Uri Url { get; private set; } = null!;

    public required string ServiceAccountEmail { get; init; }

    /// <summary>The pool's principal prefix: <c>principal://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/{pool}/subject/</c>.</summary>
    public required string PrincipalPrefix { get; init; }

    /// <summary>Members holding <c>roles/iam.workloadIdentityUser</c> on the service account.</summary>
    public ConcurrentDictionary<string, bool> WorkloadIdentityUsers { get; } = new();

    /// <summary>Told of every access token handed out (the Firestore stand-in then accepts it).</summary>
    public Action<string>? Issued { get; set; }

    /// <summary>The clock expireTime is counted from (a test's fake clock, to make tokens expire).</summary>
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>Awaited before a token is issued: lets a test hold the answer.</summary>
    public Func<Task>? BeforeAnswer { get; set; }

    /// <summary>While set, every call answers 503 UNAVAILABLE.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Each request's Authorization header and body, as received.</summary>
    public ConcurrentQueue<(string Authorization, string Body)> Calls { get; } = new();

    /// <summary>The access tokens handed out, in order.</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public int Requests => _requests;

    public Uri GenerateAccessTokenUrl => new(Url, $"/v1/projects/-/serviceAccounts/{ServiceAccountEmail}:generateAccessToken");

    public static async Task<IamCredentialsStandIn> StartAsync(GoogleStsStandIn sts, string serviceAccountEmail, string principalPrefix)
    {
        var standIn = new IamCredentialsStandIn(Loopback.NewApp(), sts) { ServiceAccountEmail = serviceAccountEmail, PrincipalPrefix = principalPrefix };
        standIn._app.Run(standIn.HandleAsync);
        await standIn._app.StartAsync();
        standIn.Url = standIn._app.Address();
        return standIn;
    }

    public void ResetCounts()
    {
        Interlocked.Exchange(ref _requests, 0);
        Calls.Clear();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var authorization = context.Request.Headers.Authorization.ToString();
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        Calls.Enqueue((authorization, body));
        await (Answer(context, authorization, body) ?? IssueAsync(context, body));
    }

    private Task? Answer(HttpContext context, string authorization, string body)
    {
        const string prefix = "/v1/projects/-/serviceAccounts/";
        const string verb = ":generateAccessToken";
        var path = context.Request.Path.Value ?? "";
        if (context.Request.Method != "POST" || !path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith(verb, StringComparison.Ordinal))
        {
            return ErrorAsync(context, 404, "NOT_FOUND", $"The requested URL {path} was not found on this server.");
        }

        if (Unavailable)
        {
            return ErrorAsync(context, 503, "UNAVAILABLE", "The service is currently unavailable.");
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_sts.IssuedTokens.TryGetValue(authorization[7..], out var subject))
        {
            return ErrorAsync(context, 401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
        }

        if (!_sts.IssuedScopes.TryGetValue(authorization[7..], out var granted) || !granted.Split(' ').Any(GoogleStsStandIn.ImpersonationScopes.Contains))
        {
            return ErrorAsync(context, 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
        }

        var account = Uri.UnescapeDataString(path[prefix.Length..^verb.Length]);
        if (account != ServiceAccountEmail)
        {
            return ErrorAsync(context, 404, "NOT_FOUND", $"Not found; Gaia id not found for email {account}");
        }

        if (!WorkloadIdentityUsers.ContainsKey(PrincipalPrefix + subject))
        {
            return ErrorAsync(context, 403, "PERMISSION_DENIED", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).");
        }

        JsonNode? request;
        try
        {
            request = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        }

        var scopes = (request?["scope"] as JsonArray)?.Select(s => s?.GetValue<string>()).ToList() ?? [];
        if (scopes is not ["https://www.googleapis.com/auth/datastore"])
        {
            return ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Request contains an invalid argument: scope {string.Join(' ', scopes)}.");
        }

        var lifetime = request?["lifetime"]?.GetValue<string>();
        if (lifetime is null || !lifetime.EndsWith('s') || !int.TryParse(lifetime[..^1], CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 3600)
        {
            return ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Request contains an invalid argument: lifetime {lifetime}.");
        }

        return null;
    }

    private async Task IssueAsync(HttpContext context, string body)
    {
        if (BeforeAnswer is { } hold)
        {
            await hold();
        }

        var seconds = int.Parse(JsonNode.Parse(body)!["lifetime"]!.GetValue<string>()[..^1], CultureInfo.InvariantCulture);
        var token = "ya29.wif-" + Guid.NewGuid().ToString("N");
        IssuedTokens.Enqueue(token);
        Issued?.Invoke(token);
        var expires = Now().AddSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await Results.Json(new { accessToken = token, expireTime = expires }).ExecuteAsync(context);
    }

    private static Task ErrorAsync(HttpContext context, int code, string status, string message) =>
        Results.Json(new { error = new { code, message, status } }, statusCode: code).ExecuteAsync(context);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
