using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Recordings;

/// <summary>
/// Settings of the <c>Recordings</c> section: where calls' recordings are kept (Azure Blob Storage). On when
/// <c>Recordings:BlobServiceUri</c> (Azure: read and written as the app's managed identity) or
/// <c>Recordings:ConnectionString</c> (Azurite, local runs) is set; with neither, recordings are off.
/// </summary>
public sealed class RecordingsOptions : IValidatableObject
{
    public const string Section = "Recordings";
    public const string DefaultContainer = "interview-recordings";

    /// <summary><c>Recordings:BlobServiceUri</c>, e.g. <c>https://stelconv.blob.core.windows.net/</c>: the app's Azure identity, links by user delegation.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary><c>Recordings:ConnectionString</c>: local development against Azurite (an account key; links are service SAS).</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>Recordings:Container</c>: the private container holding <c>{sessionId}/{elevenLabsConversationId}.mp3</c>.</summary>
    public string Container { get; set; } = DefaultContainer;

    public bool UsesIdentity => !string.IsNullOrWhiteSpace(BlobServiceUri);

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    public bool Enabled => UsesIdentity || UsesConnectionString;

    /// <summary>Its rules quote the wrong value, which an attribute's message cannot.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesIdentity && UsesConnectionString)
        {
            yield return new ValidationResult(
                "Set Recordings:BlobServiceUri (Azure, the managed identity) or Recordings:ConnectionString (Azurite, local runs), not both.");
        }

        // https, or http on loopback (Azurite without a certificate).
        if (UsesIdentity && !(Uri.TryCreate(BlobServiceUri, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
        {
            yield return new ValidationResult(
                $"Recordings:BlobServiceUri must be an absolute https URL such as https://myaccount.blob.core.windows.net/ (got '{BlobServiceUri}').");
        }

        // Azure's rule for container names.
        if (!(Container is { Length: >= 3 and <= 63 }
            && Container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            && Container[0] != '-' && Container[^1] != '-'
            && !Container.Contains("--", StringComparison.Ordinal)))
        {
            yield return new ValidationResult(
                $"Recordings:Container must be 3-63 characters of a-z, 0-9 and single '-', starting and ending with a letter or digit (Azure's rule; got '{Container}').");
        }
    }
}

/// <summary>Checks <see cref="RecordingsOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class RecordingsOptionsValidator : IValidateOptions<RecordingsOptions>;
