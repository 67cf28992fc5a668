namespace ElevenLabs.Functions.Telemetry;

/// <summary>
/// The names the app emits to Application Insights. The workbook and the alerts in infra/ query exactly
/// these; a test fails when the two drift apart.
/// </summary>
public static class TelemetryNames
{
    public static class Events
    {
        public const string SessionCreated = nameof(SessionCreated);
        public const string SignedUrlIssued = nameof(SignedUrlIssued);
        public const string ConversationTokenIssued = nameof(ConversationTokenIssued);
        public const string SessionEnded = nameof(SessionEnded);
        public const string SessionFailed = nameof(SessionFailed);

        /// <summary>The sweep closed an idle session with no finished call (<c>Reason</c> says why).</summary>
        public const string SessionExpired = nameof(SessionExpired);

        public static readonly IReadOnlyList<string> All = [SessionCreated, SignedUrlIssued, ConversationTokenIssued, SessionEnded, SessionFailed, SessionExpired];
    }

    public static class Properties
    {
        public const string Action = nameof(Action);
        public const string ConversationId = nameof(ConversationId);
        public const string AgentId = nameof(AgentId);
        public const string FailureCode = nameof(FailureCode);
        public const string StatusCode = nameof(StatusCode);
        public const string Reason = nameof(Reason);

        public static readonly IReadOnlyList<string> All = [Action, ConversationId, AgentId, FailureCode, StatusCode, Reason];
    }

    public static class Metrics
    {
        /// <summary>How long ElevenLabs took to issue a signed URL (retries included), in milliseconds.</summary>
        public const string ElevenLabsSignedUrlLatencyMs = nameof(ElevenLabsSignedUrlLatencyMs);

        public static readonly IReadOnlyList<string> All = [ElevenLabsSignedUrlLatencyMs];
    }
}
