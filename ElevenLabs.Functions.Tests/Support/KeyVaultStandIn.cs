using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Azure Key Vault's secrets API over HTTPS on loopback (a certificate made at test time): <c>GET /secrets/{name}</c>
/// with the challenge flow (401 + <c>WWW-Authenticate</c> without a token, then the bearer token), 403, 404,
/// 429 with <c>Retry-After</c>, a slow mode and a down mode. The real <c>SecretClient</c> talks to it.
/// </summary>
public sealed class KeyVaultStandIn : IAsyncDisposable
{
    public const string Token = "kv-test-token";
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private KeyVaultStandIn(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Secret values by name; a name that is absent answers 404 SecretNotFound.</summary>
    public ConcurrentDictionary<string, string> Secrets { get; } = new();

    public VaultBehaviour Behaviour { get; set; }

    /// <summary>Authorized reads of each secret (the challenge handshake is not counted).</summary>
    public ConcurrentDictionary<string, int> Reads { get; } = new();

    public int ReadsOf(string name) => Reads.TryGetValue(name, out var n) ? n : 0;

    public static async Task<KeyVaultStandIn> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var standIn = new KeyVaultStandIn(builder.Build(), certificate);
        standIn._app.MapGet("/secrets/{name}/{version?}", standIn.GetSecretAsync);
        await standIn._app.StartAsync();
        standIn.Url = standIn._app.Address();
        return standIn;
    }

    /// <summary>
    /// Makes the app's SecretClient (registered with <c>AddAzureClients</c>) talk to this vault: the given token
    /// credential; a transport that trusts only this certificate; no resource check; quick retries. Call it before
    /// the app's registrations: the credential is taken over the app's default, the options are set after the app's.
    /// </summary>
    public void ConnectApp(IServiceCollection services, TokenCredential credential)
    {
        services.AddSingleton(credential);
        services.PostConfigureAll<SecretClientOptions>(options =>
        {
            options.Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == _certificate.Thumbprint,
            });
            options.DisableChallengeResourceVerification = true;
            options.Retry.MaxRetries = 1;
            options.Retry.Delay = TimeSpan.FromMilliseconds(10);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(2);
        });
    }

    private async Task<IResult> GetSecretAsync(HttpContext context, string name)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            context.Response.Headers.WWWAuthenticate =
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001\", resource=\"https://vault.azure.net\"";
            return Results.Json(new { error = new { code = "Unauthorized", message = "AKV10000: Request is missing a Bearer or PoP token." } }, statusCode: 401);
        }

        Reads.AddOrUpdate(name, 1, (_, n) => n + 1);
        switch (Behaviour)
        {
            case VaultBehaviour.Down:
                context.Abort();
                return Results.Empty;
            case VaultBehaviour.Forbidden:
                return Results.Json(new { error = new { code = "Forbidden", message = "Caller is not authorized to perform action on resource.", innererror = new { code = "ForbiddenByRbac" } } }, statusCode: 403);
            case VaultBehaviour.Throttled:
                context.Response.Headers.RetryAfter = "1";
                return Results.Json(new { error = new { code = "Throttled", message = "Request was not processed because too many requests were received." } }, statusCode: 429);
            case VaultBehaviour.Slow:
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                break;
        }

        if (!Secrets.TryGetValue(name, out var value))
        {
            return Results.Json(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name} was not found in this key vault." } }, statusCode: 404);
        }

        var version = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..32];
        return Results.Json(new
        {
            value,
            id = new Uri(Url, $"secrets/{name}/{version}").ToString(),
            attributes = new { enabled = true, created = 1764000000, updated = 1764000000, recoveryLevel = "Recoverable" },
            tags = new { },
        });
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
