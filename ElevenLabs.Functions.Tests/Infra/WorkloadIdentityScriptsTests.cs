using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Infra;

/// <summary>
/// infra/setup-workload-identity.sh against stand-in <c>az</c> and <c>gcloud</c> commands that keep what they are told
/// to create: the first run creates the application, pool, provider, service account and bindings; a second run
/// creates nothing; a provider set differently is updated; every run prints the four app settings. And deploy.sh /
/// set-secrets.sh with <c>FIRESTORE_AUTH=WorkloadIdentity</c>: no Google key secret, and the settings it needs.
/// </summary>
[TestFixture]
public sealed class WorkloadIdentityScriptsTests
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string ObjectId = "5a1c7f4e-0b7e-4f55-9d0c-3c1f2b6e8a90";
    private const string Principal = $"principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/azure-apps/subject/{ObjectId}";

    private static readonly string[] Settings =
    [
        "Firestore__Auth=WorkloadIdentity",
        "Firestore__WorkloadIdentity__Audience=//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/azure-apps/providers/elevenlabs-function",
        "Firestore__WorkloadIdentity__ServiceAccountEmail=elevenlabs-sessions@interviews-test-1.iam.gserviceaccount.com",
        "Firestore__WorkloadIdentity__AzureTokenScope=api://elevenlabs-firestore/.default",
    ];

    // What the real CLIs would answer, for the calls the script makes; anything else fails loudly.
    private const string FakeAz = """
        #!/usr/bin/env bash
        state=${FAKE_STATE:?}
        echo "az $*" >>"$state/calls"
        case "$*" in
          "account show --query tenantId --output tsv") echo "$FAKE_TENANT" ;;
          "ad app list --identifier-uri api://elevenlabs-firestore --query [0].appId --output tsv") cat "$state/app" 2>/dev/null || true ;;
          "ad app create --display-name elevenlabs-firestore --identifier-uris api://elevenlabs-firestore --query appId --output tsv")
            echo 0f6b1d4e-7c2a-4e0b-9a51-2d8e3c4b5a61 >"$state/app"; cat "$state/app" ;;
          "ad sp list --filter appId eq '0f6b1d4e-7c2a-4e0b-9a51-2d8e3c4b5a61' --query [0].id --output tsv") cat "$state/sp" 2>/dev/null || true ;;
          "ad sp create --id 0f6b1d4e-7c2a-4e0b-9a51-2d8e3c4b5a61 --output none") echo sp-object >"$state/sp" ;;
          "keyvault secret show --vault-name kv-test --name "*" --query value --output tsv") true ;;
          "keyvault secret show --vault-name kv-test --name "*" --query id --output tsv") exit 3 ;;
          "keyvault secret set --vault-name kv-test --name "*" --encoding utf-8 --output none") true ;;
          *) echo "stand-in az: unexpected call: $*" >&2; exit 2 ;;
        esac
        """;

    private const string FakeGcloud = """
        #!/usr/bin/env bash
        state=${FAKE_STATE:?}
        echo "gcloud $*" >>"$state/calls"
        flag() { local name=$1; shift; while [ $# -gt 0 ]; do if [ "$1" = "$name" ]; then echo "$2"; return; fi; shift; done; }
        case "$*" in
          "services list --enabled --project interviews-test-1 --format=value(config.name)") cat "$state/apis" 2>/dev/null || true ;;
          "services enable "*" --project interviews-test-1 --quiet") echo "$3" >>"$state/apis" ;;
          "projects describe interviews-test-1 --format=value(projectNumber)") echo 123456789012 ;;
          "iam workload-identity-pools describe azure-apps --project interviews-test-1 --location global") [ -f "$state/pool" ] ;;
          "iam workload-identity-pools create azure-apps --project interviews-test-1 --location global "*) touch "$state/pool" ;;
          "iam workload-identity-pools providers describe elevenlabs-function "*) cat "$state/provider" 2>/dev/null ;;
          "iam workload-identity-pools providers create-oidc elevenlabs-function "*|"iam workload-identity-pools providers update-oidc elevenlabs-function "*)
            [ -f "$state/pool" ] || exit 1
            printf '%s\t%s\t%s\t%s\n' "$(flag --issuer-uri "$@")" "$(flag --allowed-audiences "$@")" \
              "$(flag --attribute-mapping "$@")" "$(flag --attribute-condition "$@")" >"$state/provider" ;;
          "iam service-accounts describe elevenlabs-sessions@interviews-test-1.iam.gserviceaccount.com --project interviews-test-1") [ -f "$state/account" ] ;;
          "iam service-accounts create elevenlabs-sessions --project interviews-test-1 "*) touch "$state/account" ;;
          "projects get-iam-policy interviews-test-1 "*) cat "$state/datastore-user" 2>/dev/null || true ;;
          "projects add-iam-policy-binding interviews-test-1 "*) echo roles/datastore.user >"$state/datastore-user" ;;
          "iam service-accounts get-iam-policy elevenlabs-sessions@interviews-test-1.iam.gserviceaccount.com "*) cat "$state/workload-identity-user" 2>/dev/null || true ;;
          "iam service-accounts add-iam-policy-binding elevenlabs-sessions@interviews-test-1.iam.gserviceaccount.com "*)
            [ -f "$state/account" ] || exit 1
            echo roles/iam.workloadIdentityUser >"$state/workload-identity-user" ;;
          *) echo "stand-in gcloud: unexpected call: $*" >&2; exit 2 ;;
        esac
        """;

    private ScriptRig _rig = null!;

    [SetUp]
    public void MakeStandIns() => _rig = new ScriptRig(("az", FakeAz), ("gcloud", FakeGcloud));

    [TearDown]
    public void RemoveStandIns() => _rig.Dispose();

    private string StatePath(string name) => _rig.StatePath(name);

    private (int Exit, string Output, string Errors, string[] Calls) Run() => Run("setup-workload-identity.sh", new()
    {
        ["AZURE_TENANT_ID"] = Tenant,
        ["MANAGED_IDENTITY_OBJECT_ID"] = ObjectId,
        ["GCP_PROJECT"] = "interviews-test-1",
    });

    /// <summary>Runs <c>infra/{script}</c> with the stand-in commands first on PATH and <paramref name="environment"/> (null removes).</summary>
    private (int Exit, string Output, string Errors, string[] Calls) Run(string script, Dictionary<string, string?> environment) =>
        _rig.Run(script, new(environment) { ["FAKE_TENANT"] = Tenant });

    private static string[] Changes(string[] calls) =>
        [.. calls.Where(c => c.Contains(" create", StringComparison.Ordinal) || c.Contains("update-oidc", StringComparison.Ordinal)
            || c.Contains(" enable ", StringComparison.Ordinal) || c.Contains("add-iam-policy-binding", StringComparison.Ordinal))];

    [Test]
    public void TheFirstRunCreatesEverythingAndPrintsTheFourSettings()
    {
        var (exit, output, errors, calls) = Run();

        Assert.That(exit, Is.Zero, errors);
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(Settings));
        Assert.That(Changes(calls), Has.Length.EqualTo(10), string.Join('\n', calls));
        Assert.That(calls, Has.Some.StartsWith("az ad app create --display-name elevenlabs-firestore --identifier-uris api://elevenlabs-firestore"));
        Assert.That(calls, Has.Some.StartsWith("az ad sp create"));
        Assert.That(File.ReadAllText(StatePath("apis")).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EquivalentTo(new[] { "iam.googleapis.com", "iamcredentials.googleapis.com", "sts.googleapis.com" }));
        Assert.That(File.ReadAllText(StatePath("provider")).TrimEnd('\n'),
            Is.EqualTo($"https://sts.windows.net/{Tenant}/\tapi://elevenlabs-firestore\tgoogle.subject=assertion.sub\tassertion.sub=='{ObjectId}'"),
            "the provider trusts the tenant's v1 tokens for the application ID URI, from the managed identity only");
        Assert.That(calls, Has.Some.Contains("projects add-iam-policy-binding interviews-test-1 --member serviceAccount:elevenlabs-sessions@interviews-test-1.iam.gserviceaccount.com --role roles/datastore.user"));
        Assert.That(calls, Has.Some.Contains($"add-iam-policy-binding elevenlabs-sessions@interviews-test-1.iam.gserviceaccount.com --project interviews-test-1 --member {Principal} --role roles/iam.workloadIdentityUser"));
    }

    [Test]
    public void ASecondRunChangesNothingAndPrintsTheSameSettings()
    {
        var first = Run();
        Assert.That(first.Exit, Is.Zero, first.Errors);

        var (exit, output, errors, calls) = Run();

        Assert.That(exit, Is.Zero, errors);
        Assert.That(Changes(calls), Is.Empty, "everything already is as asked");
        Assert.That(output, Is.EqualTo(first.Output));
        Assert.That(errors, Does.Contain("OIDC provider elevenlabs-function: as asked"));
    }

    [Test]
    public void AProviderSetDifferentlyIsUpdated()
    {
        Assert.That(Run().Exit, Is.Zero);
        File.WriteAllText(StatePath("provider"), $"https://sts.windows.net/{Tenant}/\tapi://something-else\tgoogle.subject=assertion.sub\t\n");

        var (exit, _, errors, calls) = Run();

        Assert.That(exit, Is.Zero, errors);
        Assert.That(Changes(calls), Has.Exactly(1).StartsWith("gcloud iam workload-identity-pools providers update-oidc elevenlabs-function"));
        Assert.That(Changes(calls), Has.Length.EqualTo(1));
        Assert.That(File.ReadAllText(StatePath("provider")), Does.Contain("\tapi://elevenlabs-firestore\t"));
    }

    [Test]
    public void WithoutAProjectItStopsBeforeCallingAnythingAndNamesNoDefault()
    {
        var (exit, output, errors, calls) = Run("setup-workload-identity.sh", new() { ["AZURE_TENANT_ID"] = Tenant, ["MANAGED_IDENTITY_OBJECT_ID"] = ObjectId });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("GCP_PROJECT is required").And.Contain("nothing was created"));
        Assert.That(calls, Is.Empty, "no az or gcloud call at all");
        Assert.That(output, Is.Empty, "no settings printed for a project nobody chose");
    }

    [Test]
    public void DeploysFirestoreProjectIsUsedWhenGcpProjectIsNotSet()
    {
        var (exit, output, errors, _) = Run("setup-workload-identity.sh", new()
        {
            ["AZURE_TENANT_ID"] = Tenant, ["MANAGED_IDENTITY_OBJECT_ID"] = ObjectId, ["FIRESTORE_PROJECT_ID"] = "interviews-test-1",
        });

        Assert.That(exit, Is.Zero, errors);
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(Settings));
    }

    [Test]
    public void WithoutTheTenantAndIdentityItSaysWhatToSet()
    {
        var (exit, _, errors, calls) = Run("setup-workload-identity.sh", new() { ["GCP_PROJECT"] = "interviews-test-1" });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("Set AZURE_TENANT_ID and MANAGED_IDENTITY_OBJECT_ID"));
        Assert.That(Changes(calls), Is.Empty);
    }

    [Test]
    public void DeployWithWorkloadIdentityButWithoutItsSettingsSaysWhatToRunBeforeTouchingAzure()
    {
        var (exit, _, errors, calls) = Run("deploy.sh", new() { ["FIRESTORE_AUTH"] = "WorkloadIdentity", ["ALERT_EMAIL"] = "ops@example.com" });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE FIRESTORE_SERVICE_ACCOUNT_EMAIL FIRESTORE_AZURE_TOKEN_SCOPE")
            .And.Contain("infra/setup-workload-identity.sh"));
        Assert.That(calls, Is.Empty);
    }

    [TestCase("WorkloadIdentity", false)]
    [TestCase("ServiceAccountKey", true)]
    [TestCase(null, true)]
    public void SetSecretsStoresTheGoogleKeyOnlyWhenTheAppUsesOne(string? auth, bool stored)
    {
        var key = Path.Combine(_rig.Directory, "key.json");
        File.WriteAllText(key, """{"type":"service_account"}""");

        var (exit, output, errors, calls) = Run("set-secrets.sh", new()
        {
            ["KEY_VAULT_NAME"] = "kv-test",
            ["ELEVENLABS_API_KEY"] = "sk_test",
            ["FIRESTORE_CREDENTIALS_FILE"] = key,
            ["FIRESTORE_AUTH"] = auth,
        });

        Assert.That(exit, Is.Zero, errors);
        Assert.That(calls, Has.Some.StartsWith("az keyvault secret set --vault-name kv-test --name elevenlabs-api-key"));
        Assert.That(calls.Any(c => c.StartsWith("az keyvault secret set --vault-name kv-test --name firestore-service-account", StringComparison.Ordinal)), Is.EqualTo(stored));
        if (!stored)
        {
            Assert.That(output, Does.Contain("firestore-service-account: not needed (Firestore:Auth=WorkloadIdentity)"));
        }
    }
}
