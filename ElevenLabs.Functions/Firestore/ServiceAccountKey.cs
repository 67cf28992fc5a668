using System.Text.Json;
using Google.Apis.Auth.OAuth2;

namespace ElevenLabs.Functions.Firestore;

/// <summary>A Google service-account key, loaded with Google.Apis.Auth and scoped for Firestore.</summary>
public sealed class ServiceAccountKey
{
    private ServiceAccountKey(GoogleCredential credential, string? projectId, string email)
    {
        Credential = credential;
        ProjectId = projectId;
        Email = email;
    }

    /// <summary>Caches and refreshes its OAuth token (signed-JWT grant at the key's <c>token_uri</c>).</summary>
    public GoogleCredential Credential { get; }
    public string? ProjectId { get; }

    /// <summary>The service account's e-mail: safe to log, it names who needs the role.</summary>
    public string Email { get; }

    /// <exception cref="InvalidOperationException">Not a service-account key; the message names <paramref name="setting"/>.</exception>
    public static ServiceAccountKey Parse(string json, string setting)
    {
        ServiceAccountCredential account;
        try
        {
            account = CredentialFactory.FromJson<ServiceAccountCredential>(json);
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException or ArgumentException or FormatException or Newtonsoft.Json.JsonException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"{setting} is not a Google service-account key (JSON with type \"service_account\", client_email and private_key).", ex);
        }

        return new ServiceAccountKey(account.ToGoogleCredential().CreateScoped(FirestoreOptions.Scope), account.ProjectId, account.Id);
    }

    /// <exception cref="InvalidOperationException">The file cannot be read or is not a key; the message names the setting.</exception>
    public static ServiceAccountKey FromFile(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"GOOGLE_APPLICATION_CREDENTIALS names '{path}', which cannot be read: {ex.Message}", ex);
        }

        return Parse(json, $"GOOGLE_APPLICATION_CREDENTIALS ('{path}')");
    }
}
