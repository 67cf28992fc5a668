using System.Security.Cryptography;
using System.Text.Json;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>A Google service-account key made at test time (a fresh RSA key), whose token_uri is a loopback stand-in.</summary>
public sealed class ServiceAccount : IDisposable
{
    public ServiceAccount(string tokenUri, string projectId = "replit-4f946")
    {
        Rsa = RSA.Create(2048);
        TokenUri = tokenUri;
        ProjectId = projectId;
        Email = $"sessions-{Guid.NewGuid().ToString("N")[..8]}@{projectId}.iam.gserviceaccount.com";
        Json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = Guid.NewGuid().ToString("N"),
            ["private_key"] = Rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = Email,
            ["client_id"] = "1234567890",
            ["token_uri"] = tokenUri,
        });
    }

    public RSA Rsa { get; }
    public string TokenUri { get; }
    public string ProjectId { get; }
    public string Email { get; }

    /// <summary>The key file's content; holds the private key, so tests check it never reaches a log.</summary>
    public string Json { get; }

    /// <summary>A distinctive part of the private key, to search logs for.</summary>
    public string PrivateKeyFragment => Rsa.ExportPkcs8PrivateKeyPem().Split('\n')[2];

    public void Dispose() => Rsa.Dispose();
}
