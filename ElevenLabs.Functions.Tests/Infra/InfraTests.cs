using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Infra;

/// <summary>infra/ builds and lints clean with the Bicep CLI, its scripts pass shellcheck, and the template sets what the app reads.</summary>
[TestFixture]
public sealed class InfraTests
{
    private static readonly string InfraDirectory = Path.Combine(AppOutput.RepositoryRoot, "infra");

    private static readonly Lazy<string> BicepPath = new(() =>
    {
        var path = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        Assert.That(File.Exists(path), Is.True, $"the Bicep CLI is restored by the test project's PackageDownload: {path}");
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute); // a restore that dropped the bit
        }

        return path;
    });

    private static string Bicep => BicepPath.Value;

    private static IEnumerable<string> BicepFiles() =>
        Directory.EnumerateFiles(Path.Combine(AppOutput.RepositoryRoot, "infra"), "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(AppOutput.RepositoryRoot, f));

    private static (int Exit, string Output, string Errors) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppOutput.RepositoryRoot };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }

    [TestCaseSource(nameof(BicepFiles))]
    public void BicepBuildsWithoutWarnings(string file)
    {
        var (exit, _, errors) = Run(Bicep, "build", file, "--stdout");

        Assert.That(exit, Is.Zero, errors);
        Assert.That(errors.Trim(), Is.Empty, "bicep build printed warnings");
    }

    [TestCaseSource(nameof(BicepFiles))]
    public void BicepLintsWithoutWarnings(string file)
    {
        var (exit, output, errors) = Run(Bicep, "lint", file);

        Assert.That(exit, Is.Zero, output + errors);
        Assert.That((output + errors).Trim(), Is.Empty, "bicep lint printed diagnostics");
    }

    [Test]
    public void DeployPublishesTheReadyToRunBuildTheBenchmarkMeasures()
    {
        // deploy.sh and azd both run `dotnet publish` on the project; the benchmark publishes it the same way.
        Assert.That(File.ReadAllText(Path.Combine(InfraDirectory, "deploy.sh")), Does.Contain("dotnet publish \"$root/ElevenLabs.Functions\" --configuration Release"));
        Assert.That(File.ReadAllText(Path.Combine(AppOutput.RepositoryRoot, "azure.yaml")), Does.Contain("project: ./ElevenLabs.Functions"));

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppOutput.RepositoryRoot };
        foreach (var arg in new[] { "msbuild", "ElevenLabs.Functions/ElevenLabs.Functions.csproj", "-p:_IsPublishing=true", "-p:Configuration=Release",
                     "-getProperty:PublishReadyToRun", "-getProperty:RuntimeIdentifier", "-getProperty:SelfContained", "-getProperty:TieredPGO" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name); // the test host's own MSBuild settings
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, output.Result + errors.Result);
        var properties = JsonNode.Parse(output.Result)!["Properties"]!;
        Assert.That(properties["PublishReadyToRun"]!.GetValue<string>(), Is.EqualTo("true"), "published as ReadyToRun");
        Assert.That(properties["RuntimeIdentifier"]!.GetValue<string>(), Is.EqualTo("linux-x64"), "for Flex Consumption's Linux x64");
        Assert.That(properties["SelfContained"]!.GetValue<string>(), Is.EqualTo("false"), "on the platform's .NET runtime");
        Assert.That(properties["TieredPGO"]!.GetValue<string>(), Is.EqualTo("false"), "no instrumented tier: the benchmark's CPU per request");
    }

    [Test]
    public void ScriptsPassShellcheck()
    {
        if (!File.Exists("/usr/bin/shellcheck"))
        {
            Assert.Fail("shellcheck is missing: install the Debian package 'shellcheck' (.ci/run does).");
        }

        var scripts = Directory.EnumerateFiles(InfraDirectory, "*.sh").Append(Path.Combine(AppOutput.RepositoryRoot, ".ci", "run")).ToArray();
        var (exit, output, errors) = Run("/usr/bin/shellcheck", scripts);

        Assert.That(scripts, Has.Length.GreaterThanOrEqualTo(3));
        Assert.That(exit, Is.Zero, output + errors);
    }

    private static readonly Lazy<string> Compiled = new(() =>
    {
        var (exit, output, errors) = Run(Bicep, "build", "infra/main.bicep", "--stdout");
        Assert.That(exit, Is.Zero, errors);
        return output;
    });

    /// <summary>infra/main.bicep compiled to ARM JSON (once per run).</summary>
    private static JsonNode Template() => JsonNode.Parse(Compiled.Value)!;

    /// <summary>Every resource in the compiled template, modules' nested templates included.</summary>
    private static IEnumerable<JsonObject> Resources(JsonNode template) =>
        Descendants(template).OfType<JsonObject>().Where(o => o["type"] is JsonValue && o["properties"] is JsonObject && o["apiVersion"] is JsonValue);

    private static IEnumerable<JsonNode> Descendants(JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.SelectMany(Descendants))
        {
            yield return child;
        }
    }

    [Test]
    public void TheFunctionAppIsFlexConsumptionWithTheCloudFunctionsFigures()
    {
        var template = Template();
        var site = Resources(template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites");
        var properties = site["properties"]!;
        var config = properties["functionAppConfig"]!;

        Assert.That(config["runtime"]!["name"]!.GetValue<string>(), Is.EqualTo("dotnet-isolated"));
        Assert.That(config["runtime"]!["version"]!.GetValue<string>(), Is.EqualTo("10.0"));
        Assert.That(config["scaleAndConcurrency"]!["instanceMemoryMB"]!.GetValue<int>(), Is.EqualTo(512));
        Assert.That(config["scaleAndConcurrency"]!["maximumInstanceCount"]!.GetValue<int>(), Is.EqualTo(10));
        Assert.That(properties["httpsOnly"]!.GetValue<bool>(), Is.True);
        Assert.That(properties["siteConfig"]!["minTlsVersion"]!.GetValue<string>(), Is.EqualTo("1.2"));
        Assert.That(properties["siteConfig"]!["ftpsState"]!.GetValue<string>(), Is.EqualTo("Disabled"));
        var plan = Resources(template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/serverfarms");
        Assert.That(plan["sku"]!["name"]!.GetValue<string>(), Is.EqualTo("FC1"));
    }

    [Test]
    public void TheAppSettingsAreTheOnesTheAppReads()
    {
        var site = Resources(Template()).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites");
        var names = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();

        Assert.That(names, Is.SupersetOf(new[]
        {
            "KeyVault__Uri", "KeyVault__ManagedIdentityClientId", "Firestore__ProjectId", "ElevenLabs__AgentId", "Sessions__Store", "Sessions__SweepSchedule",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential",
        }));
        Assert.That(names, Has.None.Contains("ApiKey").And.None.EqualTo("AzureWebJobsStorage"), "no key and no connection string with a key");
    }

    [Test]
    public void AuthAndLimitsAreParametersWithTheAppsDefaultsAndTheFrontEndIsTrusted()
    {
        var template = Template();
        var parameters = template["parameters"]!;
        var site = Resources(template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites");
        var settings = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.ToString());

        Assert.That(parameters["authMode"]!["defaultValue"]!.GetValue<string>(), Is.EqualTo("None"), "the Cloud Function was open: so is the default");
        Assert.That(parameters["authMode"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "None", "Firebase", "Oidc" }));
        Assert.That(parameters["firebaseAuthProjectId"]!["defaultValue"]!.GetValue<string>(), Is.EqualTo("[parameters('firestoreProjectId')]"),
            "the deployment's own Firestore project, not the original Cloud Function's");
        Assert.That(parameters["legacySessions"]!["defaultValue"]!.GetValue<string>(), Is.EqualTo("Deny"));
        Assert.That(parameters["rateLimitCreatePerMinute"]!["defaultValue"]!.GetValue<int>(), Is.EqualTo(new RateLimitOptions().CreatePerMinute));
        Assert.That(parameters["rateLimitRequestsPerMinute"]!["defaultValue"]!.GetValue<int>(), Is.EqualTo(new RateLimitOptions().RequestsPerMinute));
        Assert.That(parameters["quotaSessionsPerDay"]!["defaultValue"]!.GetValue<int>(), Is.EqualTo(new QuotaOptions().SessionsPerDay));
        Assert.That(settings.Keys, Is.SupersetOf(new[]
        {
            "Auth__Mode", "Auth__Firebase__ProjectId", "Auth__Oidc__Authority", "Auth__Oidc__Audience", "Auth__LegacySessions",
            "RateLimit__CreatePerMinute", "RateLimit__RequestsPerMinute", "Quota__SessionsPerDay",
        }));
        Assert.That(settings["RateLimit__TrustForwardedFor"], Is.EqualTo("true"), "under Azure the caller is what the front end set: client-ip, or the last X-Forwarded-For hop");
        Assert.That(settings["Auth__Mode"], Does.Contain("parameters('authMode')"));
    }

    [Test]
    public void StorageIsReachedByIdentityAndTheVaultIsRbacWithPurgeProtection()
    {
        var resources = Resources(Template()).ToList();
        var storage = resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts");
        var vault = resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.KeyVault/vaults");

        Assert.That(storage["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>(), Is.False);
        Assert.That(vault["properties"]!["enableRbacAuthorization"]!.GetValue<bool>(), Is.True);
        Assert.That(vault["properties"]!["enablePurgeProtection"]!.GetValue<bool>(), Is.True);
        Assert.That(vault["properties"]!["enableSoftDelete"]!.GetValue<bool>(), Is.True);
        Assert.That(Template().ToJsonString(), Does.Contain("4633458b-17de-408a-b874-0445c86b69e6"), "Key Vault Secrets User for the app");
    }

    [Test]
    public void FirestoresWayInIsAParameterTheAppSettingsCarry()
    {
        var template = Template();
        var parameters = template["parameters"]!;
        Assert.That(parameters["firestoreAuth"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()),
            Is.EqualTo(new[] { "ServiceAccountKey", "WorkloadIdentity" }));
        Assert.That(parameters["firestoreAuth"]!["defaultValue"]!.GetValue<string>(), Is.EqualTo("ServiceAccountKey"), "today's behaviour unless asked");

        var app = DeploymentHolding("Microsoft.Web/sites");
        var passed = new Dictionary<string, string>
        {
            ["firestoreAuth"] = "Firestore__Auth",
            ["firestoreWorkloadIdentityAudience"] = "Firestore__WorkloadIdentity__Audience",
            ["firestoreServiceAccountEmail"] = "Firestore__WorkloadIdentity__ServiceAccountEmail",
            ["firestoreAzureTokenScope"] = "Firestore__WorkloadIdentity__AzureTokenScope",
        };
        var site = ResourceOfType("Microsoft.Web/sites");
        var settings = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.GetValue<string>());
        foreach (var (parameter, setting) in passed)
        {
            Assert.That(parameters[parameter], Is.Not.Null, parameter);
            Assert.That(app["properties"]!["parameters"]![parameter]!["value"]!.GetValue<string>(), Is.EqualTo($"[parameters('{parameter}')]"), parameter);
            Assert.That(settings[setting], Is.EqualTo($"[parameters('{parameter}')]"), setting);
        }

        Assert.That(template["outputs"]!["tenantId"], Is.Not.Null, "what infra/setup-workload-identity.sh reads");
        Assert.That(template["outputs"]!["managedIdentityPrincipalId"]!["value"]!.GetValue<string>(), Does.Contain("principalId"));
    }

    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDelegator = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a";

    /// <summary>
    /// The storage module's role assignments as (role definition GUID, scope expression): a role named by a variable is
    /// looked up, the host's loop over <c>roles</c> is expanded.
    /// </summary>
    private static List<(string Role, string Scope)> StorageRoleAssignments()
    {
        var module = DeploymentHolding("Microsoft.Storage/storageAccounts")["properties"]!["template"]!;
        var variables = module["variables"]!;
        return [.. Resources(module["resources"]!).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments").SelectMany(r =>
        {
            var role = r["properties"]!["roleDefinitionId"]!.GetValue<string>();
            var scope = r["scope"]!.GetValue<string>();
            var named = Regex.Match(role, @"variables\('(\w+)'\)\)\]$");
            return role.Contains("items(variables('roles'))", StringComparison.Ordinal)
                ? variables["roles"]!.AsObject().Select(v => (v.Value!.GetValue<string>(), scope))
                : [(variables[named.Groups[1].Value]!.GetValue<string>(), scope)];
        })];
    }

    [Test]
    public void TheRecordingsContainerIsPrivateInTheDeploymentsOwnAccount()
    {
        var template = Template();
        var storage = ResourceOfType("Microsoft.Storage/storageAccounts");
        var containers = Resources(template).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        var recordings = containers.Single(c => c["name"]!.GetValue<string>().Contains("parameters('recordingsContainerName')", StringComparison.Ordinal));
        var module = DeploymentHolding("Microsoft.Storage/storageAccounts");

        Assert.That(template["parameters"]!["recordingsContainerName"]!["defaultValue"]!.GetValue<string>(), Is.EqualTo(RecordingsOptions.DefaultContainer), "the app's default");
        Assert.That(module["properties"]!["parameters"]!["recordingsContainerName"]!["value"]!.GetValue<string>(), Is.EqualTo("[parameters('recordingsContainerName')]"));
        Assert.That(recordings["properties"]!["publicAccess"]!.GetValue<string>(), Is.EqualTo("None"), "no anonymous reads of the container");
        Assert.That(storage["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>(), Is.False, "nor of any container in the account");
        Assert.That(storage["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>(), Is.False, "no account key: links are user-delegation SAS");
        Assert.That(containers, Has.All.Matches<JsonObject>(c => c["properties"]!["publicAccess"]!.GetValue<string>() == "None"));
        Assert.That(ResourceOfType("Microsoft.Storage/storageAccounts/blobServices")["properties"]!["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>(), Is.False,
            "an erased or expired recording is not kept as a soft-deleted blob");
    }

    [Test]
    public void TheAppMayUseTheRecordingsContainerAndSignLinksButNothingMoreForThem()
    {
        var assignments = StorageRoleAssignments();
        const string Account = "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]";
        const string Container = "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('name'), 'default', parameters('recordingsContainerName'))]";

        Assert.That(assignments, Does.Contain((BlobDataContributor, Container)), "read, write and delete blobs: in the recordings container only");
        Assert.That(assignments, Does.Contain((BlobDelegator, Account)), "Get User Delegation Key is an account-level operation");
        Assert.That(assignments.Where(a => a.Scope == Account).Select(a => a.Role), Is.EquivalentTo(new[]
        {
            BlobDataOwner, "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // AzureWebJobsStorage, as before
            BlobDelegator, // and, for the recordings, only the delegation key
        }));
        Assert.That(Template().ToJsonString(), Does.Not.Contain("listKeys").And.Not.Contain("17d1049b-9a84-46fb-8f53-869881c3d3ab"),
            "no account key read anywhere, no Storage Account Contributor");
    }

    [Test]
    public void TheAppIsToldWhereTheRecordingsAreAndByIdentity()
    {
        var site = ResourceOfType("Microsoft.Web/sites");
        var settings = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.GetValue<string>());
        var app = DeploymentHolding("Microsoft.Web/sites")["properties"]!["parameters"]!;

        Assert.That(settings["Recordings__BlobServiceUri"], Is.EqualTo("[parameters('storageBlobEndpoint')]"));
        Assert.That(app["storageBlobEndpoint"]!["value"]!.GetValue<string>(), Does.Contain("outputs.blobEndpoint.value"), "the account's blob endpoint");
        Assert.That(DeploymentHolding("Microsoft.Storage/storageAccounts")["properties"]!["template"]!["outputs"]!["blobEndpoint"]!["value"]!.GetValue<string>(),
            Does.Contain("primaryEndpoints.blob"));
        Assert.That(settings["Recordings__Container"], Is.EqualTo("[parameters('recordingsContainerName')]"));
        Assert.That(app["recordingsContainerName"]!["value"]!.GetValue<string>(), Does.Contain("outputs.recordingsContainerName.value"));
        Assert.That(settings.Keys, Has.None.EqualTo("Recordings__ConnectionString"), "Azurite's way in (a key) is for local runs only");
    }

    [Test]
    public void RetentionIsOffByDefaultAndSetsTheAppSettingAndTheRecordingsLifecycleRule()
    {
        var template = Template();
        var retention = template["parameters"]!["retentionDays"]!;
        var site = ResourceOfType("Microsoft.Web/sites");
        var settings = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.GetValue<string>());
        var policy = ResourceOfType("Microsoft.Storage/storageAccounts/managementPolicies");
        var rule = policy["properties"]!["policy"]!["rules"]!.AsArray().Single()!;
        var definition = rule["definition"]!;

        Assert.That(retention["type"]!.GetValue<string>(), Is.EqualTo("int"));
        Assert.That(retention["defaultValue"]!.GetValue<int>(), Is.Zero, "off unless asked");
        Assert.That(retention["minValue"]!.GetValue<int>(), Is.Zero);
        Assert.That(retention["maxValue"]!.GetValue<int>(), Is.EqualTo(3650), "the app's Sessions:RetentionDays range, 0-3650: a larger value would stop its start");
        Assert.That(settings["Sessions__RetentionDays"], Is.EqualTo("[string(parameters('retentionDays'))]"));
        foreach (var module in new[] { "Microsoft.Web/sites", "Microsoft.Storage/storageAccounts" })
        {
            Assert.That(DeploymentHolding(module)["properties"]!["parameters"]!["retentionDays"]!["value"]!.GetValue<string>(), Is.EqualTo("[parameters('retentionDays')]"), module);
        }

        Assert.That(policy["name"]!.GetValue<string>(), Does.EndWith("'default')]"), "an account has the one policy named default");
        Assert.That(rule["type"]!.GetValue<string>(), Is.EqualTo("Lifecycle"));
        Assert.That(rule["enabled"]!.GetValue<string>(), Is.EqualTo("[greater(parameters('retentionDays'), 0)]"),
            "the rule deletes only with retention on; with 0 it is there but disabled, so turning retention off stops the deletions");
        Assert.That(definition["filters"]!["prefixMatch"]!.AsArray().Select(p => p!.GetValue<string>()), Is.EqualTo(new[] { "[format('{0}/', parameters('recordingsContainerName'))]" }),
            "the recordings only: not the deployment package nor the host's containers");
        Assert.That(definition["filters"]!["blobTypes"]!.AsArray().Select(p => p!.GetValue<string>()), Is.EqualTo(new[] { "blockBlob" }));
        Assert.That(definition["actions"]!["baseBlob"]!.AsObject().Select(a => a.Key), Is.EqualTo(new[] { "delete" }), "deleted, not moved to another tier");
        Assert.That(definition["actions"]!["baseBlob"]!["delete"]!["daysAfterCreationGreaterThan"]!.GetValue<string>(), Is.EqualTo("[max(parameters('retentionDays'), 1)]"),
            "N days after the recording was written (1 only in the disabled rule of retention off, which Azure requires to be valid)");
    }

    [Test]
    public void TheTtlPoliciesCoverEveryCollectionGroupTheAppWrites()
    {
        var script = File.ReadAllText(Path.Combine(InfraDirectory, "setup-firestore.sh"));
        var groups = Regex.Match(script, @"^ttl_groups=\(([^)]*)\)", RegexOptions.Multiline).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(groups, Is.EquivalentTo(new[]
        {
            new FirestoreOptions().Collection, FirestoreOptions.DefaultUsageCollection,
            CallDocument.CallsCollection, CallDocument.PartsCollection, CallDocument.UnmatchedCollection,
        }));
    }

    [Test]
    public void NoSecretValueIsATemplateParameter()
    {
        var parameters = Template()["parameters"]!.AsObject().Select(p => p.Key).ToList();

        Assert.That(parameters, Has.None.Match("(?i)key|secret|password|credential"));
    }

    private static JsonObject ResourceOfType(string type) =>
        Resources(Template()).Single(r => string.Equals(r["type"]!.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The module deployment whose nested template holds a resource of <paramref name="type"/>.</summary>
    private static JsonObject DeploymentHolding(string type) =>
        Resources(Template()).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments"
            && r["properties"]!["template"]!["resources"] is JsonNode resources
            && Resources(resources).Any(inner => string.Equals(inner["type"]!.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase)));

    [Test]
    public void AStandardWebTestCallsTheReadinessUrlFromThreeOrMoreLocationsEveryFiveMinutes()
    {
        var test = ResourceOfType("Microsoft.Insights/webtests");
        var properties = test["properties"]!;
        var deployment = DeploymentHolding("Microsoft.Insights/webtests");
        var locations = deployment["properties"]!["parameters"]!["testLocations"]?["value"]
            ?? deployment["properties"]!["template"]!["parameters"]!["testLocations"]!["defaultValue"];

        Assert.That(test["kind"]!.GetValue<string>(), Is.EqualTo("standard"));
        Assert.That(properties["Kind"]!.GetValue<string>(), Is.EqualTo("standard"));
        Assert.That(properties["Enabled"]!.GetValue<bool>(), Is.True);
        Assert.That(properties["Frequency"]!.GetValue<int>(), Is.EqualTo(300));
        Assert.That(properties["Request"]!["HttpVerb"]!.GetValue<string>(), Is.EqualTo("GET"));
        Assert.That(properties["Request"]!["RequestUrl"]!.GetValue<string>(), Is.EqualTo("[parameters('readinessUrl')]"));
        Assert.That(deployment["properties"]!["parameters"]!["readinessUrl"]!["value"]!.GetValue<string>(), Does.StartWith("[format('https://{0}/elevenlabs-conversation/ready', ").And.Contain("defaultHostName"),
            "the URL the test calls is the app's readiness route");
        Assert.That(properties["ValidationRules"]!["ExpectedHttpStatusCode"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(properties["ValidationRules"]!["ContentValidation"]!["ContentMatch"]!.GetValue<string>(), Is.EqualTo("\"status\":\"ready\""));
        Assert.That(locations!.AsArray().Select(l => l!.GetValue<string>()).Distinct().Count(), Is.GreaterThanOrEqualTo(3));
        Assert.That(deployment["properties"]!["template"]!["parameters"]!["testLocations"]!["minLength"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(3));
        Assert.That(test["tags"]!.ToJsonString(), Does.Contain("hidden-link:{0}").And.Contain("appInsightsId"), "tied to Application Insights");
    }

    [Test]
    public void AnAlertFiresWhenTwoOrMoreLocationsFailTheWebTest()
    {
        var alert = Resources(Template()).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/metricAlerts");
        var criteria = alert["properties"]!["criteria"]!;

        Assert.That(criteria["odata.type"]!.GetValue<string>(), Is.EqualTo("Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria"));
        Assert.That(criteria["failedLocationCount"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(criteria["webTestId"]!.GetValue<string>(), Does.Contain("Microsoft.Insights/webtests"));
        Assert.That(alert["properties"]!["enabled"]!.GetValue<bool>(), Is.True);
        Assert.That(alert["properties"]!["actions"]!.AsArray(), Is.Not.Empty, "someone is told");
    }

    [Test]
    public void AnAlertFiresAsSoonAsTheAppReportsTheWebhookDisabled()
    {
        var variables = DeploymentHolding("Microsoft.Insights/scheduledQueryRules")["properties"]!["template"]!["variables"]!;
        var alert = variables["alerts"]!.AsArray().Single(a => a!["key"]!.GetValue<string>() == "webhook-disabled")!;
        var query = alert["query"]!.GetValue<string>(); // [variables('$fxv#N')]: loadTextContent's text
        query = variables[query["[variables('".Length..^"')]".Length]]!.GetValue<string>();

        Assert.That(query, Does.Contain($"where name == \"{Functions.Telemetry.TelemetryNames.Events.WebhookDisabled}\""));
        Assert.That(alert["measure"]!.GetValue<string>(), Is.EqualTo("Reports"));
        Assert.That(alert["threshold"]!.GetValue<int>(), Is.Zero, "one report is enough");
        Assert.That(alert["severity"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(alert["window"]!.GetValue<string>(), Is.EqualTo("PT15M"), "wider than the readiness check's cache");
    }

    [Test]
    public void TheWorkbookChartsTheWebTestByTheNameItReportsUnder()
    {
        var test = ResourceOfType("Microsoft.Insights/webtests");
        var name = DeploymentHolding("Microsoft.Insights/webtests")["properties"]!["template"]!["variables"]!["testName"]!.GetValue<string>();
        var queries = JsonNode.Parse(File.ReadAllText(Path.Combine(InfraDirectory, "workbook.json")))!["items"]!.AsArray()
            .Select(i => i!["content"]?["query"]?.GetValue<string>()).OfType<string>()
            .Where(q => q.StartsWith("availabilityResults", StringComparison.Ordinal)).ToList();

        Assert.That(test["properties"]!["Name"]!.GetValue<string>(), Is.EqualTo("[variables('testName')]"));
        Assert.That(queries, Is.Not.Empty);
        Assert.That(queries, Has.All.Contain($"name == \"{name}\""));
    }
}
