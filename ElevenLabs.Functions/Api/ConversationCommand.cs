namespace ElevenLabs.Functions.Api;

/// <summary>
/// A parsed, validated POST body: one record per action (<see cref="CreateSession"/>, <see cref="GetSignedUrl"/>,
/// <see cref="EndSession"/>). The parser makes them; <see cref="ConversationEndpoint"/> dispatches on them once.
/// </summary>
/// <param name="Action">The action's name on the wire.</param>
public abstract record ConversationCommand(string Action)
{
    /// <summary>The session the command is about, when it names one (for logs and telemetry).</summary>
    public virtual string? ConversationId => null;

    /// <summary>Creates a session or issues a signed URL or token: counted against <c>RateLimit:CreatePerMinute</c>.</summary>
    public virtual bool IssuesCredential => false;
}
