namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>
/// What <c>GET /v1/convai/agents/{agent_id}</c> says of the agent's security: <see cref="EnableAuth"/> is
/// <c>platform_settings.auth.enable_auth</c> (true: conversations need a signed URL or token from a server holding
/// the API key; false or absent: anyone who knows the agent id can start one).
/// </summary>
public sealed record ElevenLabsAgent(string AgentId, bool EnableAuth);
