namespace ElevenLabs.Functions.Sessions;

/// <summary>A session as read from a store, with the store's version of it (for conditional updates).</summary>
public sealed record StoredSession(Session Session, string Version);
