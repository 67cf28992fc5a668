using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>Wrong Auth settings are named at start, without a server.</summary>
[TestFixture]
public sealed class AuthOptionsValidatorTests
{
    private static IReadOnlyList<string> Failures(AuthOptions options) =>
        new SettingsValidator<AuthOptions, AuthOptionsValidator>().Validate(null, options).Failures?.ToList() ?? [];

    [Test]
    public void TheDefaultsAreValidAndOff()
    {
        var options = new AuthOptions();

        Assert.That(Failures(options), Is.Empty);
        Assert.That(options.Enabled, Is.False);
        Assert.That(options.Firebase.ProjectId, Is.EqualTo("replit-4f946"));
        Assert.That(options.LegacySessions, Is.EqualTo(LegacySessionAccess.Deny));
    }

    [Test]
    public void FirebaseTakesGooglesDiscoveryDocumentForItsProject()
    {
        var options = new AuthOptions { Mode = AuthMode.Firebase };

        Assert.That(Failures(options), Is.Empty);
        Assert.That(options.DiscoveryDocument.ToString(), Is.EqualTo("https://securetoken.google.com/replit-4f946/.well-known/openid-configuration"));
    }

    [Test]
    public void OidcWithoutAuthorityOrAudienceNamesBoth()
    {
        var failures = Failures(new AuthOptions { Mode = AuthMode.Oidc });

        Assert.That(failures, Does.Contain("Auth:Oidc:Authority must be an absolute http(s) URL."));
        Assert.That(failures, Does.Contain("Auth:Oidc:Audience must not be empty."));
    }

    [Test]
    public void AnUnknownModeOrABadProjectIdIsNamed()
    {
        Assert.That(Failures(new AuthOptions { Mode = (AuthMode)(-1) }), Does.Contain("Auth:Mode must be None, Firebase or Oidc."));
        Assert.That(Failures(new AuthOptions { Mode = AuthMode.Firebase, Firebase = { ProjectId = "Not A Project" } }),
            Has.One.StartsWith("Auth:Firebase:ProjectId"));
    }

    [Test]
    public void EmptyOidcSettingsAsInfraWritesThemBindAndAreNamedOnlyWhenOidcIsOn()
    {
        AuthOptions Bind(string mode) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = mode,
            ["Auth:Oidc:Authority"] = "",
            ["Auth:Oidc:Audience"] = "",
        }).Build().GetSection(AuthOptions.Section).Get<AuthOptions>()!;

        Assert.That(Failures(Bind("Firebase")), Is.Empty);
        Assert.That(Failures(Bind("Oidc")), Has.Count.EqualTo(2));
        Assert.That(Bind("firebase").Mode, Is.EqualTo(AuthMode.Firebase), "case does not matter");
    }

    [Test]
    public void PlainHttpMetadataNeedsRequireHttpsMetadataOff()
    {
        var options = new AuthOptions { Mode = AuthMode.Firebase, MetadataAddress = new Uri("http://127.0.0.1:5000/.well-known/openid-configuration") };

        Assert.That(Failures(options), Does.Contain("Auth:MetadataAddress must be https unless Auth:RequireHttpsMetadata is false."));
        options.RequireHttpsMetadata = false;
        Assert.That(Failures(options), Is.Empty);
    }
}
