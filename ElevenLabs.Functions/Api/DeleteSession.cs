namespace ElevenLabs.Functions.Api;

/// <summary>
/// <c>{"action":"delete_session","conversationId"}</c>: erases the caller's own session and everything of it (its
/// ElevenLabs conversations, recordings, calls and transcripts).
/// </summary>
public sealed record DeleteSession(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "delete_session";
}
