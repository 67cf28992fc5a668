using ElevenLabs.Functions.ElevenLabs;

namespace ElevenLabs.Functions.Sessions;

/// <summary>A session together with the WebRTC conversation token the client connects with.</summary>
public sealed record SessionWithToken(Session Session, ConversationToken Token);
