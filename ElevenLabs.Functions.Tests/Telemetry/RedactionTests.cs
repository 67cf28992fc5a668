namespace ElevenLabs.Functions.Tests.Telemetry;

/// <summary>The redaction every telemetry item passes through: credentials in URLs (query tokens, SAS signatures, keys) never leave.</summary>
[TestFixture]
public sealed class RedactionTests
{
    [TestCase("wss://api.elevenlabs.io/v1/convai/conversation?agent_id=a&conversation_id=c&token=SECRET", "SECRET")]
    [TestCase("https://x.vault.azure.net/secrets/k?api-version=7.6&sig=SECRET", "SECRET")]
    [TestCase("GET https://example.test/a?key=SECRET&b=1", "SECRET")]
    public void CredentialsInUrlsAreRedacted(string text, string secret)
    {
        var redacted = global::ElevenLabs.Functions.Telemetry.RedactingTelemetryInitializer.Redact(text);

        Assert.That(redacted, Does.Not.Contain(secret));
        Assert.That(redacted, Does.Contain("[redacted]"));
    }
}
