using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Api;

/// <summary><c>{"action":"create_session","userId","candidateId","jobId","metadata"}</c>: a new session and its signed URL.</summary>
public sealed record CreateSession(NewSession Session) : ConversationCommand(Name)
{
    public const string Name = "create_session";

    public override bool IssuesCredential => true;
}
