namespace ElevenLabs.Functions.Api;

/// <summary><c>{"action":"get_signed_url","conversationId"}</c>: a fresh signed URL for an active session.</summary>
public sealed record GetSignedUrl(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_signed_url";

    public override bool IssuesCredential => true;
}
