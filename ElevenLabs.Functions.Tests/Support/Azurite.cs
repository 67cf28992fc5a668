using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Azurite 3.37 (Microsoft's Azure Storage emulator, npm <c>azurite</c>, installed by the build from
/// Support/azurite/package-lock.json), its Blob service started on a free loopback port over HTTPS (a certificate made
/// at test time) with <c>--oauth basic</c>: it takes bearer tokens as well as shared keys, and answers
/// <c>Get User Delegation Key</c> (token callers only) and checks user-delegation SAS signatures as Azure does. In basic
/// mode it checks a token's issuer, audience and lifetime, not its signature or role: <see cref="Credential"/> makes such
/// tokens. Its one account has a key made at test time (<c>AZURITE_ACCOUNTS</c>), not the documented dev key. Killed,
/// its files deleted, on dispose.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    private readonly Process _process;
    private readonly string _folder;
    private readonly X509Certificate2 _certificate;
    private readonly System.Text.StringBuilder _output = new();

    private Azurite(Process process, string folder, X509Certificate2 certificate, int port, string accountKey, bool https)
    {
        _process = process;
        _folder = folder;
        _certificate = certificate;
        AccountKey = accountKey;
        ServiceUri = new Uri($"{(https ? "https" : "http")}://127.0.0.1:{port}/{AccountName}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The Blob service of the account, path-style: <c>https://127.0.0.1:{port}/devstoreaccount1</c>.</summary>
    public Uri ServiceUri { get; }

    /// <summary>The account's key, made for this run: only the connection-string (local development) form uses it.</summary>
    public string AccountKey { get; }

    /// <summary>The connection string of the account (the <c>Recordings:ConnectionString</c> form).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol={ServiceUri.Scheme};AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={ServiceUri};";

    /// <summary>Entra ID-shaped tokens for the storage audience, as a managed identity gets them (what Azurite's basic OAuth checks).</summary>
    public TokenCredential Credential { get; } = new EntraTokenCredential();

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static string Package => Path.Combine(AppOutput.RepositoryRoot, "ElevenLabs.Functions.Tests", "Support", "azurite", "node_modules", "azurite");

    /// <summary>
    /// Starts it over HTTPS with OAuth (the default), or, <paramref name="https"/> false, over plain http with shared keys
    /// only: what an app in another process (the worker under the Functions host) reaches through
    /// <see cref="ConnectionString"/> without trusting a test certificate.
    /// </summary>
    public static async Task<Azurite> StartAsync(bool https = true)
    {
        var main = Path.Combine(Package, "dist", "src", "blob", "main.js");
        if (!File.Exists(main))
        {
            Assert.Fail($"Azurite is not installed at {Package}: the test project's build runs npm ci in Support/azurite (needs Node.js and npm).");
        }

        var folder = Directory.CreateTempSubdirectory("azurite-").FullName;
        var certificate = CreateCertificate();
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        using (var rsa = certificate.GetRSAPrivateKey()!)
        {
            await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        }

        var data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
        var port = AppOutput.FreePort();
        var accountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var info = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                main, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--location", data, "--silent", "--skipApiVersionCheck", "--disableTelemetry",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (https)
        {
            foreach (var argument in new[] { "--oauth", "basic", "--cert", certPath, "--key", keyPath })
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.Environment["AZURITE_ACCOUNTS"] = $"{AccountName}:{accountKey}";
        var azurite = new Azurite(Process.Start(info)!, folder, certificate, port, accountKey, https);
        await azurite.WaitUntilAnsweringAsync();
        return azurite;
    }

    /// <summary>An HttpClient handler that trusts only this Azurite's certificate (what a browser given the link would do with a real one).</summary>
    public HttpMessageHandler TrustingHandler() => new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == _certificate.Thumbprint,
    };

    /// <summary>
    /// Points the app's <see cref="BlobServiceClient"/> (registered through <c>AddAzureClients</c>) at this Azurite: a
    /// transport trusting its certificate, quick retries. The credential goes in before the app's registrations.
    /// </summary>
    public void ConnectApp(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(Credential);
        services.PostConfigureAll<BlobClientOptions>(options =>
        {
            options.Transport = new HttpClientTransport(TrustingHandler());
            options.Retry.MaxRetries = 1;
            options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        });
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var client = new HttpClient(TrustingHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 150 && !_process.HasExited; attempt++)
        {
            try
            {
                // Anonymous: 403 or 400 from Azurite is an answer.
                using var response = await client.GetAsync(ServiceUri + "?comp=list");
                if (response.Headers.TryGetValues("Server", out var server) && server.Any(s => s.StartsWith("Azurite-Blob", StringComparison.Ordinal)))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // starting
            }

            await Task.Delay(100);
        }

        var output = Output;
        await DisposeAsync();
        Assert.Fail("Azurite did not start answering:\n" + output);
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _certificate.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held: the temp folder is cleaned by the OS
        }
    }

    /// <summary>
    /// A managed identity's access token for Azure Storage, in Entra ID v1 shape (issuer <c>https://sts.windows.net/{tenant}/</c>,
    /// audience <c>https://storage.azure.com</c>, <c>oid</c>, <c>tid</c>), signed with a key made at test time. Counts its requests.
    /// </summary>
    public sealed class EntraTokenCredential : TokenCredential
    {
        private readonly RSA _key = RSA.Create(2048);
        private int _requests;

        public string TenantId { get; } = Guid.NewGuid().ToString();

        public string ObjectId { get; } = Guid.NewGuid().ToString();

        public int Requests => _requests;

        /// <summary>The scopes asked for, in order.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Enqueue(scope);
            }

            var now = DateTimeOffset.UtcNow;
            var expires = now.AddHours(1);
            var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = "test" }));
            var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["aud"] = "https://storage.azure.com",
                ["iss"] = $"https://sts.windows.net/{TenantId}/",
                ["iat"] = now.ToUnixTimeSeconds(),
                ["nbf"] = now.ToUnixTimeSeconds(),
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["oid"] = ObjectId,
                ["sub"] = ObjectId,
                ["tid"] = TenantId,
                ["idtyp"] = "app",
                ["ver"] = "1.0",
            }));
            var signature = _key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return new AccessToken(header + "." + payload + "." + Base64Url(signature), expires);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));

        private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }
}
