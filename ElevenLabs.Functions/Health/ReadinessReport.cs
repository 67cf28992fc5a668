namespace ElevenLabs.Functions.Health;

/// <summary>A finished readiness run and until when it answers for this instance.</summary>
public sealed record ReadinessReport(ReadinessResponse Response, DateTimeOffset FreshUntil);
