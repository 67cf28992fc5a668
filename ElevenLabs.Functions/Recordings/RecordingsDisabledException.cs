namespace ElevenLabs.Functions.Recordings;

/// <summary>Recordings are off (neither <c>Recordings:BlobServiceUri</c> nor <c>Recordings:ConnectionString</c> is set): a client's 4xx, not a failure.</summary>
public sealed class RecordingsDisabledException() : Exception(
    "Recordings are off on this deployment: set Recordings:BlobServiceUri (Azure) or Recordings:ConnectionString (local runs) to keep them.");
