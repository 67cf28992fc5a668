namespace ElevenLabs.Functions.Limits;

/// <summary>
/// The caller's count of sessions for one UTC day, which a new session is added to in the same atomic write that stores
/// it (<see cref="Sessions.ISessionStore.CreateAsync"/>).
/// </summary>
public sealed record DailyCount(string CallerKey, DateOnly Day);
