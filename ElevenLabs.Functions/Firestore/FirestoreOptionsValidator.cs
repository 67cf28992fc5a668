using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Checks at start that a configured key can be read and is a service-account key.</summary>
public sealed class FirestoreOptionsValidator : IValidateOptions<FirestoreOptions>
{
    public ValidateOptionsResult Validate(string? name, FirestoreOptions options)
    {
        var errors = new List<string>();
        if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("http" or "https"))
        {
            errors.Add("Firestore:BaseUrl must be an absolute http(s) URL.");
        }

        if (options.UsesEmulator && !Uri.TryCreate("http://" + options.EmulatorHost, UriKind.Absolute, out _))
        {
            errors.Add("FIRESTORE_EMULATOR_HOST must be host:port.");
        }

        if (!string.IsNullOrWhiteSpace(options.CredentialsJson))
        {
            Check(() => ServiceAccountKey.Parse(options.CredentialsJson, "Firestore:CredentialsJson"));
        }
        else if (!string.IsNullOrWhiteSpace(options.CredentialsFile))
        {
            Check(() => ServiceAccountKey.FromFile(options.CredentialsFile));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(Action parse)
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
    }
}
