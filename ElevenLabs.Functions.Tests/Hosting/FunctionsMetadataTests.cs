using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>What the Functions host reads from the build output: each function, its trigger and bindings.</summary>
[TestFixture]
public sealed class FunctionsMetadataTests
{
    private static JsonArray Functions() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.Directory, "functions.metadata")))!.AsArray();

    private static JsonObject Trigger(string name = "elevenlabs-conversation", string type = "httpTrigger")
    {
        var function = Functions().Single(f => f!["name"]!.GetValue<string>() == name)!.AsObject();
        return function["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == type)!.AsObject();
    }

    [Test]
    public void TheAppHasTheConversationReadinessDescriptionSweepAndWebhookFunctions() =>
        Assert.That(Functions().Select(f => f!["name"]!.GetValue<string>()),
            Is.EquivalentTo(new[] { "elevenlabs-conversation", "elevenlabs-conversation-ready", "elevenlabs-conversation-openapi", "sweep-idle-sessions", "elevenlabs-webhook" }));

    [Test]
    public void TheOpenApiDocumentIsAnAnonymousGetFunctionUnderTheRoute()
    {
        var trigger = Trigger("elevenlabs-conversation-openapi");

        Assert.That(trigger["route"]!.GetValue<string>(), Is.EqualTo("elevenlabs-conversation/openapi.json"));
        Assert.That(trigger["authLevel"]!.GetValue<string>(), Is.EqualTo("Anonymous").IgnoreCase);
        Assert.That(trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()), Is.EquivalentTo(new[] { "GET" }));
    }

    [Test]
    public void TheWebhookIsAnAnonymousPostFunction()
    {
        var trigger = Trigger("elevenlabs-webhook");

        Assert.That(trigger["route"]!.GetValue<string>(), Is.EqualTo("elevenlabs-webhook"));
        Assert.That(trigger["authLevel"]!.GetValue<string>(), Is.EqualTo("Anonymous").IgnoreCase, "the signature is the authentication");
        Assert.That(trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()), Is.EquivalentTo(new[] { "POST" }));
    }

    [Test]
    public void ReadinessIsAnAnonymousGetFunctionOfItsOwnUnderTheRoute()
    {
        var trigger = Trigger("elevenlabs-conversation-ready");

        Assert.That(trigger["route"]!.GetValue<string>(), Is.EqualTo("elevenlabs-conversation/ready"));
        Assert.That(trigger["authLevel"]!.GetValue<string>(), Is.EqualTo("Anonymous").IgnoreCase);
        Assert.That(trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()), Is.EquivalentTo(new[] { "GET" }));
    }

    [Test]
    public void TheFunctionIsAnAnonymousHttpTriggerOnTheCloudFunctionsPath()
    {
        var trigger = Trigger();

        Assert.That(trigger["route"]!.GetValue<string>(), Is.EqualTo("elevenlabs-conversation"));
        Assert.That(trigger["authLevel"]!.GetValue<string>(), Is.EqualTo("Anonymous").IgnoreCase);
        Assert.That(trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()), Is.EquivalentTo(new[] { "GET", "POST", "OPTIONS" }));
    }

    [Test]
    public void TheSweepIsATimerTriggerWhoseScheduleIsTheSweepScheduleSetting()
    {
        var trigger = Trigger("sweep-idle-sessions", "timerTrigger");

        Assert.That(trigger["schedule"]!.GetValue<string>(), Is.EqualTo("%Sessions:SweepSchedule%"));
        Assert.That(trigger["runOnStartup"]?.GetValue<bool>() ?? false, Is.False, "a restart must not sweep");
    }

    /// <summary>
    /// The host resolves <c>%name%</c> with its configuration (WebJobs' DefaultNameResolver: <c>configuration[name]</c>),
    /// where app settings arrive as environment variables; on Linux their names cannot hold ':', so the setting is
    /// <c>Sessions__SweepSchedule</c>, which environment configuration reads as <c>Sessions:SweepSchedule</c>.
    /// local.settings.sample.json carries it for <c>func start</c> (its Values become environment variables too).
    /// </summary>
    [Test]
    public void TheScheduleBindingResolvesFromTheAppSettingAsTheHostReadsIt()
    {
        var name = Trigger("sweep-idle-sessions", "timerTrigger")["schedule"]!.GetValue<string>().Trim('%');
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.RepositoryRoot, "local.settings.sample.json")))!["Values"]!.AsObject();
        var appSetting = sample.Single(v => v.Key.Replace("__", ":", StringComparison.Ordinal) == name);
        Assert.That(appSetting.Key, Does.Not.Contain(":"), "Linux app settings cannot hold ':'");

        var previous = Environment.GetEnvironmentVariable(appSetting.Key);
        Environment.SetEnvironmentVariable(appSetting.Key, appSetting.Value!.GetValue<string>());
        try
        {
            var hostConfiguration = new ConfigurationBuilder().AddEnvironmentVariables().Build();

            Assert.That(hostConfiguration[name], Is.EqualTo(SessionsOptions.DefaultSweepSchedule));
            Assert.That(name, Is.EqualTo(SessionsOptions.SweepScheduleSetting), "the app validates the same setting it documents");
        }
        finally
        {
            Environment.SetEnvironmentVariable(appSetting.Key, previous);
        }
    }

    [Test]
    public void HostJsonHasAnEmptyRoutePrefixSoThePathIsUnchanged()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.Directory, "host.json")))!;

        Assert.That(host["version"]!.GetValue<string>(), Is.EqualTo("2.0"));
        Assert.That(host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>(), Is.Empty);
    }

    [Test]
    public void TheWorkerConfigStartsTheAppWithDotnet()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.Directory, "worker.config.json")))!;

        Assert.That(config["description"]!["language"]!.GetValue<string>(), Is.EqualTo("dotnet-isolated"));
        Assert.That(config["description"]!["defaultWorkerPath"]!.GetValue<string>(), Is.EqualTo("ElevenLabs.Functions.dll"));
    }
}
