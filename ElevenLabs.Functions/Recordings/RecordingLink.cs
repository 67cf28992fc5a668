namespace ElevenLabs.Functions.Recordings;

/// <summary>A read-only link to one recording, valid until <see cref="ExpiresAt"/>: a credential, so it never prints.</summary>
public sealed record RecordingLink(Uri Url, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"[recording link, expires {ExpiresAt:O}]";
}
