using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Api;

/// <summary>
/// <c>{"action":"get_conversation_token","conversationId"?}</c>: a WebRTC conversation token, for that active session,
/// or without an id for a new session (made like <see cref="CreateSession"/>).
/// </summary>
public sealed record GetConversationToken(string? ConversationId, NewSession? NewSession) : ConversationCommand(Name)
{
    public override string? ConversationId { get; } = ConversationId;

    public const string Name = "get_conversation_token";

    public override bool IssuesCredential => true;
}
