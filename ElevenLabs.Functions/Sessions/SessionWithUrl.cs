using ElevenLabs.Functions.ElevenLabs;

namespace ElevenLabs.Functions.Sessions;

/// <summary>A session together with the signed URL the client connects with.</summary>
public sealed record SessionWithUrl(Session Session, SignedUrl SignedUrl);
