namespace ElevenLabs.Functions.Health;

/// <summary>
/// A dependency answered, but is set up so the app must not run as it is (a public agent, a disabled webhook): the
/// check fails with <see cref="Code"/>, and the log says in one line, without a stack trace, what to change.
/// </summary>
public sealed class ReadinessProblemException(string code, string message) : Exception(message)
{
    public const string AgentPublic = "elevenlabs_agent_public";
    public const string WebhookDisabled = "elevenlabs_webhook_disabled";

    public string Code { get; } = code;
}
