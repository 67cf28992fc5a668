using System.Security.Cryptography;
using System.Text.Json;
using ElevenLabs.Functions.GoogleAuth;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// The start-up check of a service-account key (no Google.Apis.Auth at start): it accepts what Google's loader accepts
/// and refuses, naming the setting, what is not a service-account key.
/// </summary>
[TestFixture]
public sealed class ServiceAccountKeyTests
{
    private static string Key(Action<Dictionary<string, object?>>? change = null)
    {
        using var rsa = RSA.Create(2048);
        var key = new Dictionary<string, object?>
        {
            ["type"] = "service_account",
            ["project_id"] = "p",
            ["private_key_id"] = "k",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "sessions@p.iam.gserviceaccount.com",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        };
        change?.Invoke(key);
        return JsonSerializer.Serialize(key);
    }

    [Test]
    public void AKeyGooglesLoaderAcceptsPassesTheCheck()
    {
        var json = Key();

        Assert.That(() => ServiceAccountKey.Check(json, "Firestore:CredentialsJson"), Throws.Nothing);
        Assert.That(ServiceAccountKey.Parse(json, "Firestore:CredentialsJson").Email, Is.EqualTo("sessions@p.iam.gserviceaccount.com"));
    }

    [TestCase("""{"type":"authorized_user","client_id":"x","client_secret":"y","refresh_token":"z"}""", TestName = "a user's credentials")]
    [TestCase("not json", TestName = "not JSON")]
    [TestCase("[]", TestName = "not an object")]
    public void WhatIsNotAServiceAccountKeyIsRefusedNamingTheSetting(string json)
    {
        Assert.That(() => ServiceAccountKey.Check(json, "Firestore:CredentialsJson"),
            Throws.InvalidOperationException.With.Message.Contains("Firestore:CredentialsJson is not a Google service-account key"));
    }

    /// <summary>A generated key's PEM with its base64 lines replaced by characters base64 does not have.</summary>
    private static string NotBase64(string pem) =>
        string.Join('\n', pem.Split('\n').Select(line => line.StartsWith("-----", StringComparison.Ordinal) ? line : "%%%%"));

    [Test]
    public void AKeyWithoutItsEmailOrPrivateKeyIsRefused()
    {
        using var rsa = RSA.Create(2048);
        string[] broken =
        [
            Key(k => k.Remove("client_email")),
            Key(k => k.Remove("private_key")),
            Key(k => k["private_key"] = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), // base64 without the PEM frame
            Key(k => k["private_key"] = rsa.ExportSubjectPublicKeyInfoPem()), // a public key
            Key(k => k["private_key"] = NotBase64(rsa.ExportPkcs8PrivateKeyPem())), // the frame, but not base64 inside
        ];

        foreach (var json in broken)
        {
            Assert.That(() => ServiceAccountKey.Check(json, "GOOGLE_APPLICATION_CREDENTIALS"), Throws.InvalidOperationException, json);
        }
    }
}
