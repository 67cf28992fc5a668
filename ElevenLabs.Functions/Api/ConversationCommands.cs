using ElevenLabs.Functions.Sessions;

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

/// <summary><c>{"action":"create_session","userId","candidateId","jobId","metadata"}</c>: a new session and its signed URL.</summary>
public sealed record CreateSession(NewSession Session) : ConversationCommand(Name)
{
    public const string Name = "create_session";

    public override bool IssuesCredential => true;
}

/// <summary><c>{"action":"get_signed_url","conversationId"}</c>: a fresh signed URL for an active session.</summary>
public sealed record GetSignedUrl(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_signed_url";

    public override bool IssuesCredential => true;
}

/// <summary>
/// <c>{"action":"get_conversation_token","conversationId"?}</c>: a WebRTC conversation token, for that active session,
/// or without an id for a new session (made like <see cref="CreateSession"/>).
/// </summary>
public sealed record GetConversationToken(string? ConversationId, NewSession? NewSession) : ConversationCommand(Name)
{
    public override string? ConversationId { get; } = ConversationId;

    public const string Name = "get_conversation_token";

    public override bool IssuesCredential => true;
}

/// <summary><c>{"action":"get_session","conversationId"}</c>: the session's state, its ElevenLabs ids and its last call (no transcript).</summary>
public sealed record GetSession(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_session";
}

/// <summary>
/// <c>{"action":"get_results","conversationId","callCursor"?}</c>: every stored call of the caller's own session, with
/// its transcript, analysis and whether a recording is available, a page of calls at a time.
/// </summary>
public sealed record GetResults(string ConversationId, int CallCursor) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_results";
}

/// <summary>
/// <c>{"action":"get_recording","conversationId","elevenLabsConversationId"?}</c>: a 15-minute read-only link to a
/// call's stored recording (without an ElevenLabs id: the session's latest recorded call).
/// </summary>
public sealed record GetRecording(string ConversationId, string? ElevenLabsConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "get_recording";
}

/// <summary><c>{"action":"end_session","conversationId"}</c>: marks the session ended.</summary>
public sealed record EndSession(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "end_session";
}

/// <summary>
/// <c>{"action":"delete_session","conversationId"}</c>: erases the caller's own session and everything of it (its
/// ElevenLabs conversations, recordings, calls and transcripts).
/// </summary>
public sealed record DeleteSession(string ConversationId) : ConversationCommand(Name)
{
    public override string ConversationId { get; } = ConversationId;

    public const string Name = "delete_session";
}
