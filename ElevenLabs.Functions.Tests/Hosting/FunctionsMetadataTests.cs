using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>What the Functions host reads from the build output: each function's route, methods and auth level.</summary>
[TestFixture]
public sealed class FunctionsMetadataTests
{
    private static JsonArray Functions() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.Directory, "functions.metadata")))!.AsArray();

    private static JsonObject Trigger(string name = "elevenlabs-conversation")
    {
        var function = Functions().Single(f => f!["name"]!.GetValue<string>() == name)!.AsObject();
        return function["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "httpTrigger")!.AsObject();
    }

    [Test]
    public void TheAppHasTheConversationAndReadinessFunctions() =>
        Assert.That(Functions().Select(f => f!["name"]!.GetValue<string>()),
            Is.EquivalentTo(new[] { "elevenlabs-conversation", "elevenlabs-conversation-ready" }));

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
