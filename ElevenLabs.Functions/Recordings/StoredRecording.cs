namespace ElevenLabs.Functions.Recordings;

/// <summary>One recording kept for a session: the ElevenLabs conversation it is of, and its size.</summary>
public sealed record StoredRecording(string ElevenLabsConversationId, long Bytes);

/// <summary>A read-only link to one recording, valid until <see cref="ExpiresAt"/>: a credential, so it never prints.</summary>
public sealed record RecordingLink(Uri Url, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"[recording link, expires {ExpiresAt:O}]";
}
