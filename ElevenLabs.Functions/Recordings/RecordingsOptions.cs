namespace ElevenLabs.Functions.Recordings;

/// <summary>
/// Settings of the <c>Recordings</c> section: where calls' recordings are kept (Azure Blob Storage). On when
/// <c>Recordings:BlobServiceUri</c> (Azure: read and written as the app's managed identity) or
/// <c>Recordings:ConnectionString</c> (Azurite, local runs) is set; with neither, recordings are off.
/// </summary>
public sealed class RecordingsOptions
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
}
