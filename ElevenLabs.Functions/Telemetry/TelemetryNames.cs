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

        /// <summary>An authentic ElevenLabs webhook event was taken (Type, Matched; for a call its id, duration and outcome).</summary>
        public const string WebhookReceived = nameof(WebhookReceived);

        /// <summary>A webhook delivery was refused (Reason): bad or missing signature, stale timestamp, too large.</summary>
        public const string WebhookRejected = nameof(WebhookRejected);

        /// <summary>
        /// ElevenLabs reports the app's webhook disabled (readiness, code <c>elevenlabs_webhook_disabled</c>): Reason <c>auto_disabled</c>
        /// (after repeated failed deliveries) or <c>disabled</c> (by hand), StatusCode its last failure's HTTP status. The
        /// infra/alerts/webhook-disabled.kql alert fires on it.
        /// </summary>
        public const string WebhookDisabled = nameof(WebhookDisabled);

        /// <summary>
        /// The sweep's reconcile pass stored a finished call whose webhook never came (ids, duration, outcome). The
        /// workbook charts them per day; infra/alerts/calls-reconciled.kql fires when they are many (the webhook is failing).
        /// </summary>
        public const string CallReconciled = nameof(CallReconciled);

        /// <summary>A call's recording was stored in Blob Storage (Source: <c>webhook</c> or <c>reconcile</c>; Bytes). No audio, no names.</summary>
        public const string RecordingStored = nameof(RecordingStored);

        /// <summary>
        /// A session was erased (<c>delete_session</c>, the sweep finishing one, or retention; Source says which): the
        /// counts of what was deleted (Conversations, Recordings, Calls, TranscriptParts) and the session's id. No personal data.
        /// </summary>
        public const string SessionErased = nameof(SessionErased);

        public static readonly IReadOnlyList<string> All =
            [SessionErased, RecordingStored, SessionCreated, SignedUrlIssued, ConversationTokenIssued, SessionEnded, SessionFailed, SessionExpired, WebhookReceived, WebhookRejected, WebhookDisabled, CallReconciled];
    }

    public static class Properties
    {
        public const string Action = nameof(Action);
        public const string ConversationId = nameof(ConversationId);
        public const string AgentId = nameof(AgentId);
        public const string FailureCode = nameof(FailureCode);
        public const string StatusCode = nameof(StatusCode);
        public const string Type = nameof(Type);
        public const string Matched = nameof(Matched);
        public const string Reason = nameof(Reason);
        public const string ElevenLabsConversationId = nameof(ElevenLabsConversationId);
        public const string CallDurationSecs = nameof(CallDurationSecs);
        public const string CallSuccessful = nameof(CallSuccessful);
        public const string Source = nameof(Source);
        public const string Bytes = nameof(Bytes);
        public const string ElevenLabsConversations = nameof(ElevenLabsConversations);
        public const string Recordings = nameof(Recordings);
        public const string Calls = nameof(Calls);
        public const string TranscriptParts = nameof(TranscriptParts);

        public static readonly IReadOnlyList<string> All =
            [ElevenLabsConversations, Recordings, Calls, TranscriptParts, Action, ConversationId, AgentId, FailureCode, StatusCode, Type, Matched, Reason, ElevenLabsConversationId, CallDurationSecs, CallSuccessful, Source, Bytes];
    }

    public static class Metrics
    {
        /// <summary>How long ElevenLabs took to issue a signed URL (retries included), in milliseconds.</summary>
        public const string ElevenLabsSignedUrlLatencyMs = nameof(ElevenLabsSignedUrlLatencyMs);

        public static readonly IReadOnlyList<string> All = [ElevenLabsSignedUrlLatencyMs];
    }
}
