using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Hosting;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Secrets;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>The generated validators' messages are the operator's: one per wrong setting, naming it, without the member prefix.</summary>
[TestFixture]
public sealed class SettingsValidatorTests
{
    [Test]
    public void LimitsOutOfRangeAreNamed()
    {
        Assert.That(new SettingsValidator<QuotaOptions, QuotaOptionsValidator>().Validate(null, new QuotaOptions { SessionsPerDay = -1 }).Failures,
            Is.EqualTo(new[] { "Quota:SessionsPerDay must be between 0 and 1000000." }));
        Assert.That(new SettingsValidator<RateLimitOptions, RateLimitOptionsValidator>().Validate(null, new RateLimitOptions { CreatePerMinute = 1_000_001, RequestsPerMinute = -5 }).Failures,
            Is.EqualTo(new[] { "RateLimit:CreatePerMinute must be between 0 and 1000000.", "RateLimit:RequestsPerMinute must be between 0 and 1000000." }));
    }

    [Test]
    public void AnHttpDependencysSettingsAreNamedWithTheirBounds()
    {
        var failures = new SettingsValidator<ElevenLabsOptions, ElevenLabsOptionsValidator>().Validate(null, new ElevenLabsOptions
        {
            AgentId = " ",
            Timeout = TimeSpan.FromMilliseconds(50),
            MaxRetries = 6,
            RetryBaseDelay = TimeSpan.FromSeconds(11),
        }).Failures;

        Assert.That(failures, Is.EquivalentTo(new[]
        {
            "ElevenLabs:AgentId must not be empty.",
            "ElevenLabs:Timeout must be between 00:00:00.1 and 00:01:00.",
            "ElevenLabs:MaxRetries must be between 0 and 5.",
            "ElevenLabs:RetryBaseDelay must be between 0 and 00:00:10.",
        }));
    }

    [Test]
    public void AttributeAndCrossFieldRulesReportTogether()
    {
        var failures = new SettingsValidator<FirestoreOptions, FirestoreOptionsValidator>().Validate(null, new FirestoreOptions
        {
            Collection = "a/b",
            UsageCollection = "a/b",
            MaxRetries = 0,
        }).Failures;

        Assert.That(failures, Is.EquivalentTo(new[]
        {
            "Firestore:Collection must match ^[A-Za-z0-9_-]{1,128}$.",
            "Firestore:UsageCollection must match ^[A-Za-z0-9_-]{1,128}$.",
            "Firestore:MaxRetries must be between 1 and 10.",
            "Firestore:UsageCollection must differ from Firestore:Collection.",
        }));
        Assert.That(new SettingsValidator<KeyVaultOptions, KeyVaultOptionsValidator>().Validate(null, new KeyVaultOptions { CacheTtl = TimeSpan.Zero }).Failures,
            Is.EqualTo(new[] { "KeyVault:CacheTtl must be positive." }));
    }
}
