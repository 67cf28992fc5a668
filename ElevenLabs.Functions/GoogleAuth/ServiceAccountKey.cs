using ElevenLabs.Functions.Firestore;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;

namespace ElevenLabs.Functions.GoogleAuth;

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

    /// <summary>
    /// Checks, cheaply and without Google.Apis.Auth (whose JSON reader and key import cost tens of milliseconds at
    /// start), that <paramref name="json"/> looks like what <see cref="Parse"/> accepts: a JSON object with <c>type</c>
    /// <c>service_account</c>, a <c>client_email</c> and a <c>private_key</c> in PEM (a private key's label, base64 that
    /// decodes). The key itself is imported at first use (the start-up warm-up), where a damaged one is reported.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not a service-account key; the message names <paramref name="setting"/>.</exception>
    public static void Check(string json, string setting)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && Text(root, "type") == "service_account"
                && !string.IsNullOrWhiteSpace(Text(root, "client_email"))
                && Text(root, "private_key") is { } pem
                && PemEncoding.TryFind(pem, out var fields)
                && pem.AsSpan()[fields.Label] is "PRIVATE KEY" or "RSA PRIVATE KEY"
                && fields.DecodedDataLength > 0)
            {
                return;
            }
        }
        catch (JsonException ex)
        {
            throw NotAKey(setting, ex);
        }

        throw NotAKey(setting, null);

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

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
            throw NotAKey(setting, ex);
        }

        return new ServiceAccountKey(account.ToGoogleCredential().CreateScoped(FirestoreOptions.Scope), account.ProjectId, account.Id);
    }

    /// <summary><see cref="Check"/> for a key file.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or is not a key; the message names the setting.</exception>
    public static void CheckFile(string path) => Check(ReadFile(path), $"GOOGLE_APPLICATION_CREDENTIALS ('{path}')");

    private static InvalidOperationException NotAKey(string setting, Exception? inner) =>
        new($"{setting} is not a Google service-account key (JSON with type \"service_account\", client_email and private_key).", inner);

    private static string ReadFile(string path)
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

        return json;
    }
}
