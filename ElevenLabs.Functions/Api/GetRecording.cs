namespace ElevenLabs.Functions.Api;

/// <summary>
/// <c>{"action":"get_recording","conversationId","elevenLabsConversationId"?}</c>: a 15-minute read-only link to a
/// call's stored recording (without an ElevenLabs id: the session's latest recorded call).
/// </summary>
public sealed record GetRecording(string ConversationId, string? ElevenLabsConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_recording";
}
