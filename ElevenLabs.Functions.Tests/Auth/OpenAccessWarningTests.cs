using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Auth;

/// <summary>With <c>Auth:Mode=None</c> (the default) the start-up log warns, except in Development.</summary>
[TestFixture]
public sealed class OpenAccessWarningTests
{
    [TestCase("Production", true)]
    [TestCase("Development", false)]
    public async Task WithoutAuthTheStartWarnsOutsideDevelopment(string environment, bool warns)
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var app = await AppHost.StartAsync(Settings.For(elevenLabs), environment: environment);

        var warnings = app.LogMessages(LogLevel.Warning);

        Assert.That(warnings.Any(w => w.Contains("Auth:Mode is None", StringComparison.Ordinal)), Is.EqualTo(warns), string.Join("\n", warnings));
    }
}
