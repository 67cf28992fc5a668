using System.Text.RegularExpressions;
using ElevenLabs.Functions.GoogleAuth;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>One message per wrong <c>Firestore</c> setting; checks at start that a configured key can be read and is a service-account key, or that workload identity federation is fully set.</summary>
public sealed partial class FirestoreOptionsValidator : IValidateOptions<FirestoreOptions>
{
    private const string CollectionPattern = "^[A-Za-z0-9_-]{1,128}$";

    public ValidateOptionsResult Validate(string? name, FirestoreOptions options)
    {
        var errors = new SettingErrors()
            .NotEmpty("Firestore:DatabaseId", options.DatabaseId)
            .Check(options.Collection is not null && CollectionName().IsMatch(options.Collection), $"Firestore:Collection must match {CollectionPattern}.")
            .Check(options.UsageCollection is not null && CollectionName().IsMatch(options.UsageCollection), $"Firestore:UsageCollection must match {CollectionPattern}.")
            .Check(options.UsageCollection != options.Collection, "Firestore:UsageCollection must differ from Firestore:Collection.")
            .HttpDependency(FirestoreOptions.Section, options.BaseUrl, options.Timeout, options.MaxRetries, (1, 10), options.RetryBaseDelay)
            .Check(!options.UsesEmulator || Uri.TryCreate("http://" + options.EmulatorHost, UriKind.Absolute, out _), "FIRESTORE_EMULATOR_HOST must be host:port.");
        errors.Check(options.Auth is not { } auth || Enum.IsDefined(auth), "Firestore:Auth must be ServiceAccountKey or WorkloadIdentity.");
        if (options.UsesWorkloadIdentity)
        {
            ValidateWorkloadIdentity(errors, options);
            return errors.Result; // a key, if one is configured too, is not used
        }

        if (!string.IsNullOrWhiteSpace(options.CredentialsJson))
        {
            CheckKey(errors, () => ServiceAccountKey.Check(options.CredentialsJson, "Firestore:CredentialsJson"));
        }
        else if (!string.IsNullOrWhiteSpace(options.CredentialsFile))
        {
            CheckKey(errors, () => ServiceAccountKey.CheckFile(options.CredentialsFile));
        }

        return errors.Result;
    }

    private static void ValidateWorkloadIdentity(SettingErrors errors, FirestoreOptions options)
    {
        var federation = options.WorkloadIdentity;
        errors.Check(!string.IsNullOrWhiteSpace(options.ProjectId),
                "Firestore:ProjectId must be set with Firestore:Auth=WorkloadIdentity (there is no key to read it from).")
            .Check(federation.Provider is not null,
                "Firestore:WorkloadIdentity:Audience must be //iam.googleapis.com/projects/<project number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>"
                + $" (got '{federation.Audience}').")
            .Check(federation.ServiceAccountEmail is { } email && EmailAddress().IsMatch(email),
                "Firestore:WorkloadIdentity:ServiceAccountEmail must be the service account's e-mail, e.g. elevenlabs-sessions@<project>.iam.gserviceaccount.com"
                + $" (got '{federation.ServiceAccountEmail}').")
            .Check(federation.AzureTokenScope is { Length: > 0 } scope && !scope.Any(char.IsWhiteSpace),
                "Firestore:WorkloadIdentity:AzureTokenScope must be the application ID URI the Google provider accepts, with /.default, e.g. api://elevenlabs-firestore/.default"
                + $" (got '{federation.AzureTokenScope}').")
            .HttpUrl("Firestore:WorkloadIdentity:StsUrl", federation.StsUrl);
        if (federation.ImpersonationUrl is not null)
        {
            errors.HttpUrl("Firestore:WorkloadIdentity:ImpersonationUrl", federation.ImpersonationUrl);
        }
    }

    private static void CheckKey(SettingErrors errors, Action parse)
    {
        try
        {
            parse();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.Message);
        }
    }

    [GeneratedRegex("^[^@\\s/]+@[^@\\s/]+\\.[^@\\s/]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();

    [GeneratedRegex(CollectionPattern, RegexOptions.CultureInvariant)]
    private static partial Regex CollectionName();
}
