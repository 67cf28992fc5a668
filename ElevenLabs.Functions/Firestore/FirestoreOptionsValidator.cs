using System.Text.RegularExpressions;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>One message per wrong <c>Firestore</c> setting; checks at start that a configured key can be read and is a service-account key.</summary>
public sealed partial class FirestoreOptionsValidator : IValidateOptions<FirestoreOptions>
{
    private const string CollectionPattern = "^[A-Za-z0-9_-]{1,128}$";

    public ValidateOptionsResult Validate(string? name, FirestoreOptions options)
    {
        var errors = new SettingErrors()
            .NotEmpty("Firestore:DatabaseId", options.DatabaseId)
            .Check(options.Collection is not null && CollectionName().IsMatch(options.Collection), $"Firestore:Collection must match {CollectionPattern}.")
            .HttpDependency(FirestoreOptions.Section, options.BaseUrl, options.Timeout, options.MaxRetries, (1, 10), options.RetryBaseDelay)
            .Check(!options.UsesEmulator || Uri.TryCreate("http://" + options.EmulatorHost, UriKind.Absolute, out _), "FIRESTORE_EMULATOR_HOST must be host:port.");
        if (!string.IsNullOrWhiteSpace(options.CredentialsJson))
        {
            CheckKey(errors, () => ServiceAccountKey.Parse(options.CredentialsJson, "Firestore:CredentialsJson"));
        }
        else if (!string.IsNullOrWhiteSpace(options.CredentialsFile))
        {
            CheckKey(errors, () => ServiceAccountKey.FromFile(options.CredentialsFile));
        }

        return errors.Result;
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

    [GeneratedRegex(CollectionPattern, RegexOptions.CultureInvariant)]
    private static partial Regex CollectionName();
}
