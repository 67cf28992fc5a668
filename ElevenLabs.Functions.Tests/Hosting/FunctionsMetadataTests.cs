using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>
/// What the Functions host reads from the build output: each function, its trigger and bindings; and that the
/// self-host serves the same functions on the same routes and methods, so the two hosts cannot drift.
/// </summary>
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
    public void TheWebhookIsAnAnonymousFunctionOfEveryMethod()
    {
        var trigger = Trigger("elevenlabs-webhook");

        Assert.That(trigger["route"]!.GetValue<string>(), Is.EqualTo("elevenlabs-webhook"));
        Assert.That(trigger["authLevel"]!.GetValue<string>(), Is.EqualTo("Anonymous").IgnoreCase, "the signature is the authentication");
        Assert.That(Methods(trigger), Is.EqualTo(AnyMethod), "the endpoint answers anything but POST with the 405 envelope, as self-hosted");
    }

    [Test]
    public void ReadinessIsAnAnonymousGetFunctionOfItsOwnUnderTheRoute()
    {
        var trigger = Trigger("elevenlabs-conversation-ready");

        Assert.That(trigger["route"]!.GetValue<string>(), Is.EqualTo("elevenlabs-conversation/ready"));
        Assert.That(trigger["authLevel"]!.GetValue<string>(), Is.EqualTo("Anonymous").IgnoreCase);
        Assert.That(trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()), Is.EquivalentTo(new[] { "GET" }));
    }

    /// <summary>
    /// Every method reaches the function, so a PUT gets the contract's 405 envelope with <c>Allow</c>: with a method
    /// list, the host would answer it with an empty 404 (a method constraint on the host's route) and the worker would
    /// never see it.
    /// </summary>
    [Test]
    public void TheFunctionIsAnAnonymousHttpTriggerOfEveryMethodOnTheCloudFunctionsPath()
    {
        var trigger = Trigger();

        Assert.That(trigger["route"]!.GetValue<string>(), Is.EqualTo("elevenlabs-conversation"));
        Assert.That(trigger["authLevel"]!.GetValue<string>(), Is.EqualTo("Anonymous").IgnoreCase);
        Assert.That(Methods(trigger), Is.EqualTo(AnyMethod));
    }

    /// <summary>
    /// The drift check: every HTTP function of the metadata the host loads (its name, <c>routePrefix</c> + route, and
    /// methods) is an endpoint of the self-host's route table named like it, on the same route and methods, and the
    /// self-host has no other; every other function (the timer) has its self-hosted counterpart.
    /// </summary>
    [Test]
    public async Task TheSelfHostServesExactlyTheWorkersFunctionsRoutesAndMethods()
    {
        var prefix = JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.Directory, "host.json")))!["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api";
        var functions = Functions().Select(f => f!.AsObject()).ToList();
        var worker = functions
            .Select(f => (Name: f["name"]!.GetValue<string>(), Trigger: f["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))))
            .Where(f => f.Trigger["type"]!.GetValue<string>() == "httpTrigger")
            .Select(f => Route(f.Name, prefix + "/" + (f.Trigger["route"]?.GetValue<string>() ?? f.Name), Methods(f.Trigger)))
            .ToList();

        await using var app = Program.BuildSelfHost(["--urls", "http://127.0.0.1:0", "--Sessions:Store", "InMemory"]);
        // The app's route table (what its routing matches once started; the service's composite is filled at start).
        var selfHost = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => Route(e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "(unnamed: " + e.DisplayName + ")",
                e.RoutePattern.RawText ?? "", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .ToList();

        Assert.That(worker, Has.Count.EqualTo(4), "the HTTP functions: " + string.Join(", ", worker));
        Assert.That(selfHost, Is.EquivalentTo(worker), "self-hosted: " + string.Join(", ", selfHost) + "\nunder the host: " + string.Join(", ", worker));

        var others = functions.Select(f => f["name"]!.GetValue<string>()).Except(worker.Select(w => w.Split(' ')[0])).ToList();
        Assert.That(others, Is.EqualTo(new[] { "sweep-idle-sessions" }), "a function that is not HTTP needs its self-hosted counterpart here");
        Assert.That(app.Services.GetServices<IHostedService>().OfType<SweepHostedService>().Count(), Is.EqualTo(1), "the self-hosted sweep");
    }

    private static readonly string[] AnyMethod = ["*"];

    /// <summary>A trigger's methods in upper case, or <c>*</c> when it lists none (the host and the worker then route every method).</summary>
    private static string[] Methods(JsonObject trigger) =>
        trigger["methods"] is JsonArray { Count: > 0 } methods ? [.. methods.Select(m => m!.GetValue<string>().ToUpperInvariant()).Order()] : AnyMethod;

    private static string Route(string name, string route, IEnumerable<string> methods)
    {
        var list = methods.Select(m => m.ToUpperInvariant()).Order().ToList();
        return $"{name} /{route.Trim('/')} {(list.Count == 0 ? "*" : string.Join(",", list))}";
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
