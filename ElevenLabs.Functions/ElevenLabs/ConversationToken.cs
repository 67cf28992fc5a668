namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>A WebRTC conversation token: a credential, so it never prints.</summary>
public sealed record ConversationToken(string Value)
{
    public override string ToString() => "[redacted]";
}
