using System.Text.Json;
using ElevenLabs.Functions.ElevenLabs;

namespace ElevenLabs.Functions.Sessions;

/// <summary>What a client asks for when it starts a session.</summary>
public sealed record NewSession(string? UserId, string? CandidateId, string? JobId, JsonElement Metadata);

/// <summary>A session together with the signed URL the client connects with.</summary>
public sealed record SessionWithUrl(Session Session, SignedUrl SignedUrl);

/// <summary>A session together with the WebRTC conversation token the client connects with.</summary>
public sealed record SessionWithToken(Session Session, ConversationToken Token);
