namespace ElevenLabs.Functions.Api;

/// <summary><c>{"action":"get_session","conversationId"}</c>: the session's state, its ElevenLabs ids and its last call (no transcript).</summary>
public sealed record GetSession(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_session";
}
