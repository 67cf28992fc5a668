using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Telemetry;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Health;

/// <summary>
/// Whether ElevenLabs disabled the app's webhook (the workspace webhook whose URL ends in <c>/elevenlabs-webhook</c>),
/// asked at most once per <see cref="FreshFor"/> per instance, whatever the readiness traffic; each time it is found
/// disabled, the <c>WebhookDisabled</c> event goes out (the alert keys on it). No such webhook is not a problem here
/// (the deploy's webhook step registers it), and neither is a list ElevenLabs would not give (logged, asked again later).
/// Also says once per instance that the agent is public by choice.
/// </summary>
public sealed partial class ElevenLabsWebhookStatus(TimeProvider time, ILogger<ElevenLabsWebhookStatus> logger)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);
    public const string WebhookPath = "/elevenlabs-webhook";

    private readonly Lock _gate = new();
    private Task<WorkspaceWebhook?>? _current;
    private DateTimeOffset _freshUntil;
    private int _publicAgentSaid;

    /// <summary>The app's webhook when ElevenLabs disabled it (every one with the app's path is disabled), else null.</summary>
    public Task<WorkspaceWebhook?> GetDisabledAsync(ElevenLabsClient client, ConversationTelemetry telemetry, CancellationToken cancellationToken)
    {
        Task<WorkspaceWebhook?> run;
        lock (_gate)
        {
            if (_current is null || time.GetUtcNow() >= _freshUntil)
            {
                _freshUntil = time.GetUtcNow() + FreshFor;
                _current = FindDisabledAsync(client, telemetry); // not the caller's token: a check's time-out does not waste the answer
            }

            run = _current;
        }

        return run.WaitAsync(cancellationToken);
    }

    /// <summary>True the first time only (per instance): the public-by-choice line is said once.</summary>
    public bool FirstPublicAgentNotice() => Interlocked.Exchange(ref _publicAgentSaid, 1) == 0;

    private async Task<WorkspaceWebhook?> FindDisabledAsync(ElevenLabsClient client, ConversationTelemetry telemetry)
    {
        IReadOnlyList<WorkspaceWebhook> webhooks;
        try
        {
            webhooks = await client.ListWorkspaceWebhooksAsync(CancellationToken.None);
        }
        catch (ElevenLabsException ex)
        {
            LogListFailed(logger, ex.Failure.ToString(), ex.Message, FreshFor.TotalMinutes);
            return null;
        }

        var ours = webhooks.Where(w => IsOurs(w.WebhookUrl)).ToList();
        if (ours.Count == 0 || ours.Any(w => !w.IsDisabled && !w.IsAutoDisabled))
        {
            return null;
        }

        var disabled = ours[0];
        telemetry.WebhookDisabled(disabled.IsAutoDisabled ? "auto_disabled" : "disabled", disabled.MostRecentFailureErrorCode);
        return disabled;
    }

    private static bool IsOurs(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.AbsolutePath.TrimEnd('/').EndsWith(WebhookPath, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ElevenLabs' workspace webhooks could not be read ({Failure}: {Reason}); whether the app's webhook is disabled is asked again in {Minutes} minutes")]
    private static partial void LogListFailed(ILogger logger, string failure, string reason, double minutes);
}
