namespace ElevenLabs.Functions.Api;

/// <summary><c>{"action":"end_session","conversationId"}</c>: marks the session ended.</summary>
public sealed record EndSession(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "end_session";
}
