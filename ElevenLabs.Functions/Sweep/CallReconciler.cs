using ElevenLabs.Functions.Calls;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Telemetry;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Sweep;

/// <summary>
/// The reconcile pass of the sweep: what the webhook missed. Takes the sessions with calls pending (ElevenLabs ids
/// issued whose call is not stored, or whose recording is not, with recordings on), the longest due first, at most <see cref="MaxPerRun"/>, whatever their status (a
/// session ended by the client is looked at too), and asks ElevenLabs about each pending call: a finished one
/// (<c>done</c>/<c>failed</c>) is fetched and handed to <see cref="CallRecorder"/> exactly as the webhook hands its
/// event, after copying its recording when it has one and no blob holds it; one not finished stays pending (nothing written) until the session has not changed for
/// <see cref="SessionSweeper.MaxCallAge"/>, when the call is given up on. Idempotent with a webhook
/// arriving at the same moment: the recorder's writes are conditional and re-decided.
/// </summary>
public sealed partial class CallReconciler(
    ISessionStore store,
    ElevenLabsClient elevenLabs,
    CallRecorder recorder,
    RecordingStore recordings,
    ConversationTelemetry telemetry,
    TimeProvider time,
    ILogger<CallReconciler> logger)
{
    /// <summary>The most sessions one run takes; the rest wait for the next run.</summary>
    public const int MaxPerRun = 200;

    /// <summary>Runs the pass once; what it did with each session's pending calls.</summary>
    /// <exception cref="SessionStoreException">The sessions with calls pending could not be queried (nothing was written).</exception>
    public async Task<IReadOnlyList<(string ConversationId, string ElevenLabsConversationId, ReconcileOutcome Outcome)>> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNowToMicrosecond();
        var due = await store.FindPendingCallsAsync(now, MaxPerRun, cancellationToken);
        var results = await SessionSweeper.EachAsync(due, (stored, token) => ReconcileAsync(stored, now, token), cancellationToken);
        var all = results.SelectMany(r => r).ToList();
        LogRun(logger, due.Count, all.Count(r => r.Item3 == ReconcileOutcome.Recovered), all.Count(r => r.Item3 == ReconcileOutcome.AlreadyStored),
            all.Count(r => r.Item3 == ReconcileOutcome.NotFinished), all.Count(r => r.Item3 == ReconcileOutcome.GivenUp), all.Count(r => r.Item3 == ReconcileOutcome.Failed));
        return all;
    }

    private async Task<List<(string, string, ReconcileOutcome)>> ReconcileAsync(StoredSession stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = stored.Session;
        var outcomes = new List<(string, string, ReconcileOutcome)>();
        foreach (var elevenLabsId in session.PendingCallIds)
        {
            outcomes.Add((session.ConversationId, elevenLabsId, await ReconcileCallAsync(session, elevenLabsId, now, cancellationToken)));
        }

        // Calls unfinished on a session untouched for a day are given up; the rest stay pending, nothing written (the
        // session keeps its place in the queue: the longest due are looked at first, the others in later runs).
        var notFinished = outcomes.Where(o => o.Item3 == ReconcileOutcome.NotFinished).Select(o => o.Item2).ToHashSet(StringComparer.Ordinal);
        if (notFinished.Count == 0 || now - session.UpdatedAt <= SessionSweeper.MaxCallAge)
        {
            return outcomes;
        }

        var current = await store.GetAsync(session.ConversationId, cancellationToken);
        if (current is null || now - current.Session.UpdatedAt <= SessionSweeper.MaxCallAge)
        {
            return outcomes;
        }

        IReadOnlyList<string> pending = [.. current.Session.PendingCallIds.Where(id => !notFinished.Contains(id))];
        var changes = new SessionChanges
        {
            UpdatedAt = current.Session.UpdatedAt, // a look is not a use: the idle sweep's view stays as it was
            PendingCallIds = pending,
            ReconcileAt = pending.Count > 0 ? current.Session.ReconcileAt : null,
        };
        try
        {
            await store.UpdateAsync(session.ConversationId, changes, current.Version, cancellationToken);
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (notFinished.Contains(outcomes[i].Item2))
                {
                    LogGivenUp(logger, session.ConversationId, outcomes[i].Item2);
                    outcomes[i] = (session.ConversationId, outcomes[i].Item2, ReconcileOutcome.GivenUp);
                }
            }
        }
        catch (Exception ex) when (ex is SessionConflictException or SessionNotFoundException or SessionStoreException)
        {
            LogDeferFailed(logger, session.ConversationId); // looked at again next run
        }

        return outcomes;
    }

    private async Task<ReconcileOutcome> ReconcileCallAsync(Session session, string elevenLabsId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ElevenLabsConversation? conversation;
        try
        {
            conversation = await elevenLabs.GetConversationAsync(elevenLabsId, cancellationToken);
        }
        catch (ElevenLabsException ex)
        {
            LogElevenLabsFailed(logger, ex, session.ConversationId, elevenLabsId);
            return ReconcileOutcome.Failed;
        }
        catch (ArgumentException)
        {
            return ReconcileOutcome.NotFinished; // not an id ElevenLabs makes: given up on with the session
        }

        if (conversation is not { IsFinished: true } || ConversationData.Read(conversation.Document, CallSource.Reconcile, null, now) is not { } call)
        {
            return ReconcileOutcome.NotFinished;
        }

        try
        {
            // The recording first: the call's id leaves the pending calls only once it is stored (or there is none), so a
            // copy that failed is tried again next run. A call the webhook stored is still pending for this reason.
            var recordingStored = !conversation.HasAudio || await CopyRecordingAsync(session.ConversationId, elevenLabsId, cancellationToken);
            var outcome = await recorder.RecordAsync(call with { AwaitsRecording = !recordingStored }, cancellationToken);
            if (!outcome.FirstDelivery)
            {
                return ReconcileOutcome.AlreadyStored;
            }

            telemetry.CallReconciled(call with { ConversationId = outcome.ConversationId });
            LogRecovered(logger, outcome.ConversationId ?? "(unmatched)", elevenLabsId, conversation.Status);
            return ReconcileOutcome.Recovered;
        }
        catch (Exception ex) when (ex is SessionStoreException or SessionConflictException or SessionNotFoundException)
        {
            LogRecordFailed(logger, ex, session.ConversationId, elevenLabsId);
            return ReconcileOutcome.Failed;
        }
    }

    /// <summary>
    /// The call's recording, copied as a stream from <c>GET .../audio</c> into its blob when none is stored (the
    /// <c>post_call_audio</c> event did not store it). True when there is nothing left to do (stored now or before,
    /// recordings off, or ElevenLabs has no audio); false when the copy failed (logged): the call stays pending for it.
    /// </summary>
    private async Task<bool> CopyRecordingAsync(string conversationId, string elevenLabsId, CancellationToken cancellationToken)
    {
        if (!recordings.Enabled)
        {
            return true;
        }

        try
        {
            if (await recordings.ExistsAsync(conversationId, elevenLabsId, cancellationToken))
            {
                return true;
            }

            await using var audio = await elevenLabs.GetConversationAudioAsync(elevenLabsId, cancellationToken);
            if (audio is null)
            {
                return true;
            }

            var bytes = await recordings.WriteAsync(conversationId, elevenLabsId, audio.Content, cancellationToken);
            telemetry.RecordingStored(CallSource.Reconcile, conversationId, elevenLabsId, bytes);
            return true;
        }
        catch (Exception ex) when (ex is ElevenLabsException or RecordingStoreException or IOException or HttpRequestException)
        {
            LogRecordingFailed(logger, ex, conversationId, elevenLabsId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: the recording of ElevenLabs call {ElevenLabsConversationId} could not be copied; the call is recorded and stays pending for its recording (tried again next run)")]
    private static partial void LogRecordingFailed(ILogger logger, Exception exception, string conversationId, string elevenLabsConversationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconcile pass: {Sessions} sessions with calls pending; {Recovered} calls recovered, {AlreadyStored} stored already, {NotFinished} not finished, {GivenUp} given up, {Failed} failed")]
    private static partial void LogRun(ILogger logger, int sessions, int recovered, int alreadyStored, int notFinished, int givenUp, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: ElevenLabs call {ElevenLabsConversationId} was recovered by the reconcile pass ({CallStatus}): its webhook never came")]
    private static partial void LogRecovered(ILogger logger, string conversationId, string elevenLabsConversationId, string callStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ConversationId}: ElevenLabs call {ElevenLabsConversationId} never finished in a day: the reconcile pass gives up on it")]
    private static partial void LogGivenUp(ILogger logger, string conversationId, string elevenLabsConversationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {ConversationId} changed while the reconcile pass looked at it: looked at again next run")]
    private static partial void LogDeferFailed(ILogger logger, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: ElevenLabs could not tell the state of call {ElevenLabsConversationId}; asked again next run")]
    private static partial void LogElevenLabsFailed(ILogger logger, Exception exception, string conversationId, string elevenLabsConversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: ElevenLabs call {ElevenLabsConversationId} could not be recorded; tried again next run")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string conversationId, string elevenLabsConversationId);
}
