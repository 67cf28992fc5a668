namespace ElevenLabs.Functions.Sessions;

/// <summary>Who ended a session: the <c>endedBy</c> field.</summary>
public static class SessionEndedBy
{
    /// <summary>The client's <c>end_session</c>.</summary>
    public const string Client = "client";

    /// <summary>ElevenLabs' post-call webhook reported the call finished.</summary>
    public const string Webhook = "webhook";

    /// <summary>The sweep of idle sessions found the call finished.</summary>
    public const string Sweeper = "sweeper";
}
