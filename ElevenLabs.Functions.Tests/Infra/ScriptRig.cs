using System.Diagnostics;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Infra;

/// <summary>
/// A scratch directory with stand-in commands (<c>bin/</c>, first on PATH) that log every call to <c>state/calls</c>
/// and keep what they are told in <c>state/</c>; runs an <c>infra/</c> script with them.
/// </summary>
internal sealed class ScriptRig : IDisposable
{
    public ScriptRig(params (string Name, string Script)[] commands)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("infra-script-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "bin"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "state"));
        foreach (var (name, script) in commands)
        {
            var path = Path.Combine(Directory, "bin", name);
            File.WriteAllText(path, script.ReplaceLineEndings("\n") + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    public string Directory { get; }

    /// <summary>
    /// A stand-in <c>az</c>: logs every call to <c>state/calls</c>, answers <paramref name="cases"/> (bash case arms, for
    /// what the script under test asks beyond Key Vault), keeps Key Vault's secrets as files in the state directory
    /// (<c>secret-{name}</c>), and fails loudly on anything else.
    /// </summary>
    public static string FakeAz(string cases = "") => $$"""
        #!/usr/bin/env bash
        state=${FAKE_STATE:?}
        echo "az $*" >>"$state/calls"
        flag() { local name=$1; shift; while [ $# -gt 0 ]; do if [ "$1" = "$name" ]; then echo "$2"; return; fi; shift; done; }
        case "$*" in
        {{cases}}
          "keyvault secret show --vault-name kv-test --name "*" --query id --output tsv")
            [ -f "$state/secret-$7" ] || { echo "ERROR: SecretNotFound" >&2; exit 3; }
            echo "https://kv-test.vault.azure.net/secrets/$7/0123" ;;
          "keyvault secret show --vault-name kv-test --name "*" --query value --output tsv")
            [ -f "$state/secret-$7" ] || { echo "ERROR: SecretNotFound" >&2; exit 3; }
            cat "$state/secret-$7"; echo ;;
          "keyvault secret set --vault-name kv-test --name "*" --file "*" --encoding utf-8 --output none")
            cp "$(flag --file "$@")" "$state/secret-$7" ;;
          *) echo "stand-in az: unexpected call: $*" >&2; exit 2 ;;
        esac
        """;

    public string StatePath(string name) => Path.Combine(Directory, "state", name);

    /// <summary>
    /// Runs <c>infra/{script}</c> with <paramref name="arguments"/>, the stand-ins first on PATH (or, with
    /// <paramref name="onlyStandIns"/>, only them and the shell's basics) and <paramref name="environment"/> (null removes).
    /// </summary>
    public (int Exit, string Output, string Errors, string[] Calls) Run(string script, Dictionary<string, string?> environment,
        string[]? arguments = null, bool onlyStandIns = false)
    {
        File.Delete(StatePath("calls"));
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = AppOutput.RepositoryRoot };
        info.ArgumentList.Add(Path.Combine(AppOutput.RepositoryRoot, "infra", script));
        foreach (var argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PATH"] = Path.Combine(Directory, "bin") + ":" + (onlyStandIns ? BasicsOnly() : Environment.GetEnvironmentVariable("PATH"));
        info.Environment["FAKE_STATE"] = Path.Combine(Directory, "state");
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("ELEVENLABS_", StringComparison.Ordinal) || k.StartsWith("FIRESTORE_", StringComparison.Ordinal)
                     || k.StartsWith("AZURE_", StringComparison.Ordinal) || k.StartsWith("OIDC_", StringComparison.Ordinal) || k is "GOOGLE_APPLICATION_CREDENTIALS" or "MANAGED_IDENTITY_OBJECT_ID" or "GOOGLE_SETUP" or "ALERT_EMAIL" or "KEY_VAULT_NAME" or "WEBHOOK_URL" or "RESOURCE_GROUP" or "LOCATION" or "NAME" or "AUTH_MODE" or "CORS_ALLOWED_ORIGINS" or "FIREBASE_AUTH_PROJECT_ID"
                     or "GCP_PROJECT" or "RETENTION_DAYS" or "RECORDINGS_CONTAINER").ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close(); // not a terminal: nothing is prompted for
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var calls = File.Exists(StatePath("calls")) ? File.ReadAllLines(StatePath("calls")) : [];
        return (process.ExitCode, output.Result, errors.Result, calls);
    }

    /// <summary>A directory holding only links to what every script may use (no az, gcloud, func or dotnet).</summary>
    private string BasicsOnly()
    {
        var basics = Path.Combine(Directory, "basics");
        if (!System.IO.Directory.Exists(basics))
        {
            System.IO.Directory.CreateDirectory(basics);
            foreach (var tool in new[] { "bash", "cat", "dirname", "mktemp", "rm", "chmod", "tr", "jq", "curl", "grep", "sed", "head", "cp", "mkdir", "seq", "sleep", "env", "date", "sort" })
            {
                var target = new[] { "/usr/bin/", "/bin/" }.Select(d => d + tool).FirstOrDefault(File.Exists);
                if (target is not null)
                {
                    File.CreateSymbolicLink(Path.Combine(basics, tool), target);
                }
            }
        }

        return basics;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
