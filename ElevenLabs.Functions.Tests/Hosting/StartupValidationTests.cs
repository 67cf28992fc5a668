using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>Wrong settings stop the start, with one message per wrong setting that names it; a missing secret does not.</summary>
[TestFixture]
public sealed class StartupValidationTests
{
    [Test]
    public async Task EveryWrongSettingIsNamedAndTheProcessStops()
    {
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{AppOutput.FreePort()}"], new Dictionary<string, string>
        {
            ["KeyVault__Uri"] = "not a url",
            ["ElevenLabs__AgentId"] = "",
            ["ElevenLabs__BaseUrl"] = "ftp://elevenlabs.example",
            ["ElevenLabs__MaxConcurrentCalls"] = "0",
            ["Sessions__Store"] = "Mongo",
            ["Sessions__InMemoryCapacity"] = "0",
            ["Sessions__SweepSchedule"] = "every 15 minutes",
            ["Sessions__SweepInterval"] = "00:00:05",
            ["Sessions__MaxIdle"] = "00:00:10",
        });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.Process.WaitForExitAsync(timeout.Token);

        Assert.That(app.Process.ExitCode, Is.EqualTo(1), app.Output);
        var output = app.Output;
        Assert.That(output, Does.Contain("The app cannot start: its configuration is wrong."));
        Assert.That(output, Does.Contain("  KeyVault:Uri must be an absolute https URL"));
        Assert.That(output, Does.Contain("  ElevenLabs:AgentId must not be empty."));
        Assert.That(output, Does.Contain("  ElevenLabs:BaseUrl must be an absolute http(s) URL."));
        Assert.That(output, Does.Contain("  ElevenLabs:MaxConcurrentCalls must be between 1 and 10000."));
        Assert.That(output, Does.Contain("  Sessions:Store must be Auto, InMemory or Firestore."));
        Assert.That(output, Does.Contain("  Sessions:InMemoryCapacity must be between 1 and 1000000."));
        Assert.That(output, Does.Contain("  Sessions:SweepSchedule must be an NCRONTAB expression of six fields"));
        Assert.That(output, Does.Contain("  Sessions:SweepInterval must be 00:00:00 (off) or between 00:01:00 and 1.00:00:00."));
        Assert.That(output, Does.Contain("  Sessions:MaxIdle must be between 00:01:00 and 7.00:00:00."));
    }

    [Test]
    public async Task AutoWithoutFirestoreOutsideDevelopmentStopsTheStartNamingTheFirestoreSettings()
    {
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{AppOutput.FreePort()}"], new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
        });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.Process.WaitForExitAsync(timeout.Token);

        Assert.That(app.Process.ExitCode, Is.EqualTo(1), app.Output);
        Assert.That(app.Output, Does.Contain("The app cannot start: its configuration is wrong."));
        Assert.That(app.Output, Does.Contain("  Sessions:Store is Auto but Firestore is not configured, and outside Development (Production)"));
        Assert.That(app.Output, Does.Contain("set Firestore:ProjectId").And.Contain("or Sessions:Store=InMemory"));
    }

    [Test]
    public async Task AutoWithoutFirestoreInDevelopmentKeepsSessionsInMemory()
    {
        var port = AppOutput.FreePort();
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var health = await app.FirstAnswerAsync(client);

        Assert.That(health?.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), app.Output);
        Assert.That(app.Output, Does.Contain("in memory").IgnoreCase, "the start-up warning that sessions are not durable");
    }

    [Test]
    public async Task AVaultWithoutTheSecretIsNotAStartFailure()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        var port = AppOutput.FreePort();
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["KeyVault__Uri"] = vault.Url.ToString(),
            ["Sessions__Store"] = "InMemory",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var health = await app.FirstAnswerAsync(client);

        Assert.That(health?.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), app.Output);
    }
}
