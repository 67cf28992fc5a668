namespace ElevenLabs.Functions.Sessions;

/// <summary>What a create stored.</summary>
/// <param name="Version">The new session's version (for conditional writes, and for undoing the create).</param>
/// <param name="Count">
/// The caller's count for the day after this session was added to it; null when nothing was counted, and when the
/// create's answer was lost and the session was found stored (it was counted once, by the write that landed).
/// </param>
public sealed record CreatedSession(string Version, long? Count);
