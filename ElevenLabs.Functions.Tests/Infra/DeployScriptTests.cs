using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ElevenLabs.Functions.Tests.Infra;

/// <summary>
/// infra/deploy.sh as a new user meets it: --help lists every input without az; a missing or bad input stops it
/// before any az call; the first deploy runs in order against stand-in az, gcloud, dotnet and func and the ElevenLabs
/// stand-in (the webhook made once the app's URL exists, its secret in Key Vault), and a second run changes nothing.
/// </summary>
[TestFixture]
public sealed partial class DeployScriptTests
{
    private const string Project = "interviews-test-1";
    private const string WebhookUrl = "https://func-test.azurewebsites.net/elevenlabs-webhook";

    // az as the calls deploy.sh and its steps make are answered: a deployment that exists once it was created, and
    // a Key Vault keeping what it is given.
    private static readonly string FakeAz = ScriptRig.FakeAz("""
          "account show --output none") ;;
          "ad signed-in-user show --query id --output tsv") echo 0b6a8a52-1f0e-4d8e-9a43-6c2b7c1d9e11 ;;
          "group create --name rg-test --location eastus --output none") touch "$state/group" ;;
          "deployment group create --resource-group rg-test --name elevenlabs-conversation "*) [ -f "$state/group" ] && touch "$state/deployed" ;;
          "deployment group show --resource-group rg-test --name elevenlabs-conversation --query properties.outputs."*".value --output tsv")
            [ -f "$state/deployed" ] || { echo "ERROR: DeploymentNotFound" >&2; exit 3; }
            output=${9#properties.outputs.}
            case "${output%.value}" in
              functionAppName) echo func-test ;;
              keyVaultName) echo kv-test ;;
              functionUrl) echo "$FAKE_FUNCTION_URL" ;;
              webhookUrl) echo "https://func-test.azurewebsites.net/elevenlabs-webhook" ;;
              appInsightsName) echo appi-test ;;
              tenantId) echo 72f988bf-86f1-41af-91ab-2d7cd011db47 ;;
              managedIdentityPrincipalId) echo 5a1c7f4e-0b7e-4f55-9d0c-3c1f2b6e8a90 ;;
              *) exit 3 ;;
            esac ;;
        """);

    private const string FakeGcloud = """
        #!/usr/bin/env bash
        state=${FAKE_STATE:?}
        echo "gcloud $*" >>"$state/calls"
        case "$*" in
          "firestore indexes composite list --project interviews-test-1 --format=json") cat "$state/indexes" 2>/dev/null || echo '[]' ;;
          "firestore indexes composite create --project interviews-test-1 --collection-group conversation-sessions --query-scope COLLECTION --field-config field-path=status,order=ascending --field-config field-path=updatedAt,order=ascending --async --quiet")
            echo '[{"name":"projects/interviews-test-1/databases/(default)/collectionGroups/conversation-sessions/indexes/CICAgOi3kJAK","queryScope":"COLLECTION","fields":[{"fieldPath":"status","order":"ASCENDING"},{"fieldPath":"updatedAt","order":"ASCENDING"},{"fieldPath":"__name__","order":"ASCENDING"}],"state":"CREATING"}]' >"$state/indexes" ;;
          "firestore fields ttls list --project interviews-test-1 --format=json") cat "$state/ttls" 2>/dev/null || echo '[]' ;;
          "firestore fields ttls update expireAt --collection-group="*" --enable-ttl --project interviews-test-1 --async --quiet")
            group=${6#--collection-group=}
            name="projects/interviews-test-1/databases/(default)/collectionGroups/$group/fields/expireAt"
            { cat "$state/ttls" 2>/dev/null || echo '[]'; } | jq --arg name "$name" '[.[] | select(.name != $name)] + [{name: $name, ttlConfig: {state: "CREATING"}}]' >"$state/ttls.new"
            mv "$state/ttls.new" "$state/ttls" ;;
          *) echo "stand-in gcloud: unexpected call: $*" >&2; exit 2 ;;
        esac
        """;

    private const string FakeDotnet = """
        #!/usr/bin/env bash
        echo "dotnet $*" >>"${FAKE_STATE:?}/calls"
        while [ $# -gt 0 ]; do if [ "$1" = --output ]; then mkdir -p "$2"; fi; shift; done
        """;

    private const string FakeFunc = """
        #!/usr/bin/env bash
        echo "func $*" >>"${FAKE_STATE:?}/calls"
        """;

    private ElevenLabsStandIn _elevenLabs = null!;
    private ScriptRig _rig = null!;
    private ServiceAccount _account = null!;
    private string _keyFile = null!;

    [SetUp]
    public void Start()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _elevenLabs.Server.Given(Request.Create().WithPath("/elevenlabs-conversation").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        _rig = new ScriptRig(("az", FakeAz), ("gcloud", FakeGcloud), ("dotnet", FakeDotnet), ("func", FakeFunc));
        _account = new ServiceAccount("https://oauth2.googleapis.com/token", Project);
        _keyFile = Path.Combine(_rig.Directory, "key.json");
        File.WriteAllText(_keyFile, _account.Json);
    }

    [TearDown]
    public void Stop()
    {
        _rig.Dispose();
        _elevenLabs.Dispose();
        _account.Dispose();
    }

    private Dictionary<string, string?> Inputs(params (string Name, string? Value)[] changes)
    {
        var inputs = new Dictionary<string, string?>
        {
            ["ELEVENLABS_AGENT_ID"] = ElevenLabsStandIn.AgentId,
            ["FIRESTORE_PROJECT_ID"] = Project,
            ["ALERT_EMAIL"] = "ops@example.com",
            ["ELEVENLABS_API_KEY"] = _elevenLabs.ApiKey,
            ["FIRESTORE_CREDENTIALS_FILE"] = _keyFile,
            ["RESOURCE_GROUP"] = "rg-test",
            ["ELEVENLABS_BASE_URL"] = _elevenLabs.Url,
            ["FAKE_FUNCTION_URL"] = _elevenLabs.Url + "/elevenlabs-conversation",
        };
        foreach (var (name, value) in changes)
        {
            inputs[name] = value;
        }

        return inputs;
    }

    /// <summary>The variables a script reads (<c>${NAME:-...}</c>, <c>${NAME}</c>), bash's own left out.</summary>
    private static IEnumerable<string> InputsRead(string script) =>
        Read().Matches(File.ReadAllText(Path.Combine(AppOutput.RepositoryRoot, "infra", script))).Select(m => m.Groups[1].Value)
            .Where(n => n is not "BASH_SOURCE").Distinct();

    [TestCase("deploy.sh")]
    [TestCase("setup-webhook.sh")]
    [TestCase("setup-firestore.sh")]
    [TestCase("setup-workload-identity.sh")]
    public void HelpListsEveryInputItReadsWithoutNeedingAz(string script)
    {
        using var bare = new ScriptRig(); // no az, gcloud, func or dotnet anywhere on PATH

        var (exit, output, errors, _) = bare.Run(script, [], ["--help"], onlyStandIns: true);

        Assert.That(exit, Is.Zero, errors);
        Assert.That(output, Does.Contain("Required").And.Contain("Optional"));
        Assert.That(InputsRead(script), Is.Not.Empty);
        Assert.That(InputsRead(script).Where(name => !output.Contains(name, StringComparison.Ordinal)), Is.Empty, "inputs missing from --help");
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void DeployHelpGivesTheDefaults() =>
        Assert.That(_rig.Run("deploy.sh", [], ["--help"]).Output,
            Does.Contain("(rg-elevenlabs-conversation)").And.Contain("(eastus)").And.Contain("(elconv)").And.Contain("(ServiceAccountKey)")
                .And.Contain("(interview-recordings)").And.Contain("RETENTION_DAYS"));

    [TestCase("ELEVENLABS_AGENT_ID", null, "ELEVENLABS_AGENT_ID is required")]
    [TestCase("FIRESTORE_PROJECT_ID", null, "FIRESTORE_PROJECT_ID is required")]
    [TestCase("ALERT_EMAIL", null, "ALERT_EMAIL is required")]
    [TestCase("ALERT_EMAIL", "ops", "is not an e-mail address")]
    [TestCase("NAME", "Elconv_Prod_2", "NAME 'Elconv_Prod_2' must be 3-12 lowercase")]
    [TestCase("AUTH_MODE", "Oidc", "AUTH_MODE=Oidc needs OIDC_AUTHORITY")]
    [TestCase("CORS_ALLOWED_ORIGINS", "https://interview.example.com/app", "is not an origin")]
    [TestCase("ELEVENLABS_API_KEY_FILE", "/nonexistent/key", "cannot be read")]
    [TestCase("FIRESTORE_CREDENTIALS_FILE", "/nonexistent/key.json", "cannot be read")]
    [TestCase("RETENTION_DAYS", "30d", "RETENTION_DAYS '30d' must be a whole number of days")]
    [TestCase("RETENTION_DAYS", "-1", "RETENTION_DAYS '-1' must be a whole number of days")]
    [TestCase("RETENTION_DAYS", "3651", "RETENTION_DAYS '3651' must be a whole number of days from 0 (no limit) to 3650")]
    [TestCase("RECORDINGS_CONTAINER", "Interview_Recordings", "RECORDINGS_CONTAINER 'Interview_Recordings' is not a blob container name")]
    public void AMissingOrBadInputStopsItBeforeAnyAzCall(string name, string? value, string message)
    {
        var inputs = Inputs((name, value));
        if (name == "ELEVENLABS_API_KEY_FILE")
        {
            inputs.Remove("ELEVENLABS_API_KEY");
        }

        var (exit, _, errors, calls) = _rig.Run("deploy.sh", inputs);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain(message).And.Contain("nothing was created"));
        Assert.That(calls, Is.Empty, "no az (or any other) call");
    }

    [Test]
    public void AKeyFileThatIsNotAServiceAccountKeyStopsItBeforeAnyAzCall()
    {
        File.WriteAllText(_keyFile, """{"type":"authorized_user","client_id":"x","refresh_token":"y"}""");

        var (exit, _, errors, calls) = _rig.Run("deploy.sh", Inputs());

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("is not a Google service-account JSON key"));
        Assert.That(calls, Is.Empty);
    }

    [Test]
    public void AllProblemsAreListedAtOnce()
    {
        var (_, _, errors, _) = _rig.Run("deploy.sh", Inputs(("ELEVENLABS_AGENT_ID", null), ("FIRESTORE_PROJECT_ID", null)));

        Assert.That(errors, Does.Contain("ELEVENLABS_AGENT_ID is required").And.Contain("FIRESTORE_PROJECT_ID is required"));
        Assert.That(errors, Does.Not.Contain("defaults to").And.Contain("EVQJtCNSo0L6uHQnImQu"), "the Cloud Function's agent is named, not used");
    }

    [Test]
    public void WithoutTheApiKeyAndNoEarlierVaultItStopsBeforeCreatingAnything()
    {
        var (exit, _, errors, calls) = _rig.Run("deploy.sh", Inputs(("ELEVENLABS_API_KEY", null)));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("ELEVENLABS_API_KEY or ELEVENLABS_API_KEY_FILE").And.Contain("nothing was created"));
        Assert.That(calls.Where(c => c.Contains(" create", StringComparison.Ordinal) || c.Contains(" set ", StringComparison.Ordinal)), Is.Empty, string.Join('\n', calls));
    }

    [Test]
    public void TheFirstDeployRunsInOrderAndASecondChangesNothing()
    {
        var (exit, output, errors, calls) = _rig.Run("deploy.sh", Inputs());

        Assert.That(exit, Is.Zero, output + errors);
        int At(string prefix)
        {
            var index = Array.FindIndex(calls, c => c.StartsWith(prefix, StringComparison.Ordinal));
            Assert.That(index, Is.Not.Negative, $"no call '{prefix}' in:\n{string.Join('\n', calls)}");
            return index;
        }

        var order = new[]
        {
            At("az group create --name rg-test"),
            At("az deployment group create --resource-group rg-test"),
            At("gcloud firestore indexes composite create --project interviews-test-1 --collection-group conversation-sessions"),
            At("az keyvault secret set --vault-name kv-test --name elevenlabs-api-key"),
            At("az keyvault secret set --vault-name kv-test --name firestore-service-account"),
            At("dotnet publish "),
            At("func azure functionapp publish func-test"),
            At("az keyvault secret set --vault-name kv-test --name elevenlabs-webhook-secret"),
        };
        Assert.That(order, Is.Ordered.And.Unique, string.Join('\n', calls));
        var deployment = calls[order[1]];
        Assert.That(deployment, Does.Contain($"elevenLabsAgentId={ElevenLabsStandIn.AgentId}").And.Contain($"firestoreProjectId={Project}")
            .And.Contain("retentionDays=0").And.Contain("recordingsContainerName=interview-recordings"));
        Assert.That(calls.Where(c => c.StartsWith("gcloud firestore fields ttls update", StringComparison.Ordinal)), Is.Empty, "retention is off: no TTL policy");
        Assert.That(output, Does.Contain("1. Inputs checked").And.Contain("7. ElevenLabs webhook " + WebhookUrl));

        var webhook = _elevenLabs.WorkspaceWebhooks.Single();
        Assert.That(webhook.Url, Is.EqualTo(WebhookUrl));
        Assert.That(webhook.RetryEnabled, Is.True);
        Assert.That(_elevenLabs.PostCallWebhookId, Is.EqualTo(webhook.Id));
        Assert.That(File.ReadAllText(_rig.StatePath("secret-elevenlabs-webhook-secret")), Is.EqualTo(webhook.Secret));
        Assert.That(File.ReadAllText(_rig.StatePath("secret-elevenlabs-api-key")), Is.EqualTo(_elevenLabs.ApiKey));
        Assert.That(File.ReadAllText(_rig.StatePath("secret-firestore-service-account")), Is.EqualTo(_account.Json));
        Assert.That(output + errors, Does.Not.Contain(webhook.Secret).And.Not.Contain(_elevenLabs.ApiKey).And.Not.Contain(_account.PrivateKeyFragment));

        var again = _rig.Run("deploy.sh", Inputs());

        Assert.That(again.Exit, Is.Zero, again.Output + again.Errors);
        Assert.That(again.Calls.Where(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal)), Is.Empty, "no secret gets a new version");
        Assert.That(again.Calls.Where(c => c.StartsWith("gcloud firestore indexes composite create", StringComparison.Ordinal)), Is.Empty, "the index exists");
        Assert.That(_elevenLabs.WorkspaceWebhooks, Is.EqualTo(new[] { webhook }), "still the one webhook");
    }

    private static readonly string[] TtlGroups = ["conversation-sessions", "elevenlabs-conversation-usage", "calls", "transcript", "elevenlabs-unmatched-calls"];

    private static string[] TtlUpdates(string[] calls) => [.. calls.Where(c => c.StartsWith("gcloud firestore fields ttls update", StringComparison.Ordinal))];

    [Test]
    public void WithRetentionTheDeploySetsItInBothCloudsAndASecondRunChangesNothing()
    {
        var (exit, output, errors, calls) = _rig.Run("deploy.sh", Inputs(("RETENTION_DAYS", "30")));

        Assert.That(exit, Is.Zero, output + errors);
        var deployment = Array.FindIndex(calls, c => c.StartsWith("az deployment group create", StringComparison.Ordinal));
        Assert.That(calls[deployment], Does.Contain("retentionDays=30"), "Sessions__RetentionDays and the recordings' lifecycle rule");
        Assert.That(TtlUpdates(calls), Is.EqualTo(TtlGroups.Select(g =>
            $"gcloud firestore fields ttls update expireAt --collection-group={g} --enable-ttl --project {Project} --async --quiet")), "one TTL policy per collection group");
        Assert.That(Array.FindIndex(calls, c => c.StartsWith("gcloud firestore fields ttls update", StringComparison.Ordinal)), Is.GreaterThan(deployment));
        Assert.That(output, Does.Contain("retention 30 days"));

        var again = _rig.Run("deploy.sh", Inputs(("RETENTION_DAYS", "30")));

        Assert.That(again.Exit, Is.Zero, again.Output + again.Errors);
        Assert.That(TtlUpdates(again.Calls), Is.Empty, "the policies exist (CREATING): nothing is asked again");
        Assert.That(again.Errors, Does.Contain("Firestore TTL policy on transcript.expireAt: exists (CREATING)"));
        Assert.That(again.Calls.Where(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void WithoutRetentionNoTtlPolicyIsSetAndOneLeftFromBeforeIsReported()
    {
        var environment = new Dictionary<string, string?> { ["FIRESTORE_PROJECT_ID"] = Project };
        Assert.That(_rig.Run("setup-firestore.sh", new(environment) { ["RETENTION_DAYS"] = "7" }).Exit, Is.Zero);

        var (exit, _, errors, calls) = _rig.Run("setup-firestore.sh", environment);

        Assert.That(exit, Is.Zero, errors);
        Assert.That(TtlUpdates(calls), Is.Empty, "retention off: no TTL policy is set, and none is removed either");
        Assert.That(errors, Does.Contain("Firestore TTL policy on calls.expireAt: still CREATING with retention off")
            .And.Contain($"gcloud firestore fields ttls update expireAt --collection-group=calls --disable-ttl --project {Project}"));
    }

    [Test]
    public void APolicyThatNeedsRepairIsEnabledAgainAndTheOthersAreLeftAlone()
    {
        var environment = new Dictionary<string, string?> { ["FIRESTORE_PROJECT_ID"] = Project, ["RETENTION_DAYS"] = "30" };
        // As gcloud lists them once Firestore is done: ACTIVE, but the calls' policy failed on existing documents.
        File.WriteAllText(_rig.StatePath("ttls"), new JsonArray([.. TtlGroups.Select(g => (JsonNode)new JsonObject
        {
            ["name"] = $"projects/{Project}/databases/(default)/collectionGroups/{g}/fields/expireAt",
            ["ttlConfig"] = new JsonObject { ["state"] = g == "calls" ? "NEEDS_REPAIR" : "ACTIVE" },
        })]).ToJsonString());

        var (exit, _, errors, calls) = _rig.Run("setup-firestore.sh", environment);

        Assert.That(exit, Is.Zero, errors);
        Assert.That(TtlUpdates(calls), Is.EqualTo(new[] { $"gcloud firestore fields ttls update expireAt --collection-group=calls --enable-ttl --project {Project} --async --quiet" }));
        Assert.That(errors, Does.Contain("calls.expireAt: enabled again (was NEEDS_REPAIR)").And.Contain("transcript.expireAt: exists (ACTIVE)"));
    }

    [TestCase("FIRESTORE_PROJECT_ID", null, "set FIRESTORE_PROJECT_ID")]
    [TestCase("RETENTION_DAYS", "a month", "RETENTION_DAYS 'a month' must be a whole number of days")]
    [TestCase("RETENTION_DAYS", "36500", "RETENTION_DAYS '36500' must be a whole number of days from 0 (no limit) to 3650")]
    public void TheGoogleStepStopsOnAMissingOrBadInputBeforeCallingGcloud(string name, string? value, string message)
    {
        var (exit, _, errors, calls) = _rig.Run("setup-firestore.sh", new() { ["FIRESTORE_PROJECT_ID"] = Project, ["RETENTION_DAYS"] = "30", [name] = value });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain(message));
        Assert.That(calls, Is.Empty, "nothing called, nothing created");
    }

    [Test]
    public void SetSecretsReadsTheKeyAsDeployDoesAndRefusesABadOneBeforeTouchingTheVault()
    {
        var keyFile = Path.Combine(_rig.Directory, "elevenlabs-key");
        File.WriteAllText(keyFile, _elevenLabs.ApiKey + "\r\n");
        File.WriteAllText(_rig.StatePath("secret-elevenlabs-api-key"), _elevenLabs.ApiKey); // the vault holds it already

        var fromFile = _rig.Run("set-secrets.sh", new() { ["KEY_VAULT_NAME"] = "kv-test", ["ELEVENLABS_API_KEY_FILE"] = keyFile });
        var unreadable = _rig.Run("set-secrets.sh", new() { ["KEY_VAULT_NAME"] = "kv-test", ["ELEVENLABS_API_KEY_FILE"] = "/nonexistent/key" });
        var spaced = _rig.Run("set-secrets.sh", new() { ["KEY_VAULT_NAME"] = "kv-test", ["ELEVENLABS_WEBHOOK_SECRET"] = "wh sec" });

        Assert.That(fromFile.Exit, Is.Zero, fromFile.Errors);
        Assert.That(fromFile.Output, Does.Contain("Key Vault secret elevenlabs-api-key: unchanged"), "the file's line break is not part of the key");
        Assert.That(unreadable.Exit, Is.EqualTo(1));
        Assert.That(unreadable.Errors, Does.Contain("ELEVENLABS_API_KEY_FILE '/nonexistent/key' cannot be read or is empty"), "deploy.sh's words");
        Assert.That(unreadable.Calls, Is.Empty);
        Assert.That(spaced.Exit, Is.EqualTo(1));
        Assert.That(spaced.Errors, Does.Contain("ELEVENLABS_WEBHOOK_SECRET has spaces or control characters"));
        Assert.That(spaced.Calls, Is.Empty);
    }

    [Test]
    public void CheckOnlyChecksTheInputsAndCallsNothing()
    {
        var good = _rig.Run("deploy.sh", Inputs(("ELEVENLABS_API_KEY", null), ("FIRESTORE_CREDENTIALS_FILE", null)), ["--check"], onlyStandIns: true);
        var bad = _rig.Run("deploy.sh", Inputs(("FIRESTORE_PROJECT_ID", null)), ["--check"], onlyStandIns: true);

        Assert.That(good.Exit, Is.Zero, good.Errors);
        Assert.That(good.Calls, Is.Empty);
        Assert.That(bad.Exit, Is.EqualTo(1));
        Assert.That(bad.Errors, Does.Contain("FIRESTORE_PROJECT_ID is required"));
        Assert.That(bad.Calls, Is.Empty);
    }

    [Test]
    public void AzdRunsTheSameStepsInTheSameOrder()
    {
        var azure = File.ReadAllText(Path.Combine(AppOutput.RepositoryRoot, "azure.yaml"));
        var parameters = File.ReadAllText(Path.Combine(AppOutput.RepositoryRoot, "infra", "main.parameters.json"));

        Assert.That(Regex.IsMatch(azure, @"preprovision:\s+shell: sh\s+run: bash infra/deploy.sh --check"), Is.True, "inputs checked before provisioning");
        Assert.That(azure.IndexOf("infra/setup-firestore.sh", StringComparison.Ordinal), Is.LessThan(azure.IndexOf("infra/set-secrets.sh", StringComparison.Ordinal)));
        Assert.That(Regex.IsMatch(azure, @"postdeploy:\s+shell: sh\s+run: WEBHOOK_URL=""\$AZURE_WEBHOOK_URL"" KEY_VAULT_NAME=""\$AZURE_KEY_VAULT_NAME"" bash infra/setup-webhook.sh"), Is.True,
            "the webhook once the app's URL exists");
        Assert.That(parameters, Does.Contain("\"${ELEVENLABS_AGENT_ID}\"").And.Contain("\"${FIRESTORE_PROJECT_ID}\""), "no silent defaults under azd either");
        Assert.That(parameters, Does.Contain("\"retentionDays\": { \"value\": \"${RETENTION_DAYS=0}\" }")
            .And.Contain("\"recordingsContainerName\": { \"value\": \"${RECORDINGS_CONTAINER=interview-recordings}\" }"),
            "the same inputs as deploy.sh; setup-firestore.sh reads RETENTION_DAYS from the azd environment");
    }

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]+)(?::-|:\?|\})")]
    private static partial Regex Read();
}
