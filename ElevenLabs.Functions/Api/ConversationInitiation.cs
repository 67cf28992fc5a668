namespace ElevenLabs.Functions.Api;

/// <summary>
/// What the client hands to the ElevenLabs SDK's <c>startSession</c> (<c>dynamicVariables</c>): ElevenLabs echoes it in
/// the post-call webhook, which links a call whose id the server never saw (WebRTC) to its session.
/// </summary>
public sealed record ConversationInitiation(DynamicVariables DynamicVariables)
{
    public static ConversationInitiation For(string conversationId) => new(new DynamicVariables(conversationId));
}
