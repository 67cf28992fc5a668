using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Api;

/// <summary>The agent's dynamic variables: <c>session_id</c>, our conversation id.</summary>
public sealed record DynamicVariables([property: JsonPropertyName("session_id")] string SessionId);
