namespace ElevenLabs.Functions.Api;

/// <summary>GET: the health answer.</summary>
public sealed record HealthResponse(bool Success, string Status, string Service, string Version, DateTime Timestamp);
