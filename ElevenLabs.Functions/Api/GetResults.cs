namespace ElevenLabs.Functions.Api;

/// <summary>
/// <c>{"action":"get_results","conversationId","callCursor"?}</c>: every stored call of the caller's own session, with
/// its transcript, analysis and whether a recording is available, a page of calls at a time.
/// </summary>
public sealed record GetResults(string ConversationId, int CallCursor) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_results";
}
