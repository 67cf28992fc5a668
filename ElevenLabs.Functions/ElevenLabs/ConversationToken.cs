namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>
/// A WebRTC conversation token: a credential, so it never prints. <see cref="ConversationId"/>: the call's ElevenLabs
/// conversation id, when the token answer carries it beside <c>token</c>.
/// </summary>
public sealed record ConversationToken(string Value, string? ConversationId = null)
{
    public override string ToString() => "[redacted]";
}
