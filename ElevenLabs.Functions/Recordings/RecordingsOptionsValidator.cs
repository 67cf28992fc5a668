using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Recordings;

/// <summary>One message per wrong <c>Recordings</c> setting, each naming it.</summary>
public sealed class RecordingsOptionsValidator : IValidateOptions<RecordingsOptions>
{
    public ValidateOptionsResult Validate(string? name, RecordingsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingErrors()
            .Check(!(options.UsesIdentity && options.UsesConnectionString),
                "Set Recordings:BlobServiceUri (Azure, the managed identity) or Recordings:ConnectionString (Azurite, local runs), not both.")
            .Check(!options.UsesIdentity || IsServiceUri(options.BlobServiceUri),
                $"Recordings:BlobServiceUri must be an absolute https URL such as https://myaccount.blob.core.windows.net/ (got '{options.BlobServiceUri}').")
            .Check(IsContainerName(options.Container),
                $"Recordings:Container must be 3-63 characters of a-z, 0-9 and single '-', starting and ending with a letter or digit (Azure's rule; got '{options.Container}').")
            .Result;
    }

    /// <summary>https, or http on loopback (Azurite without a certificate).</summary>
    private static bool IsServiceUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static bool IsContainerName(string? value) =>
        value is { Length: >= 3 and <= 63 }
        && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && value[0] != '-' && value[^1] != '-'
        && !value.Contains("--", StringComparison.Ordinal);
}
