using System.Text.Json;

namespace ElevenLabs.Functions.Sessions;

/// <summary>What a client asks for when it starts a session.</summary>
public sealed record NewSession(string? UserId, string? CandidateId, string? JobId, JsonElement Metadata);
