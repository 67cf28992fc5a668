using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Calls;

/// <summary>
/// The use case "read a session's results": its stored calls in the order their ids were issued, each with its
/// transcript joined back from its parts and whether its recording is stored, a page at a time: at most
/// <see cref="MaxCallsPerPage"/> calls and, past the first, no more than <see cref="MaxTranscriptCharsPerPage"/> of
/// transcript, so an answer stays within a few MB. The caller has been checked by whoever read the session.
/// </summary>
public sealed partial class CallResults(ISessionStore store, RecordingStore recordings, ILogger<CallResults> logger)
{
    public const int MaxCallsPerPage = 20;

    public const long MaxTranscriptCharsPerPage = 1_000_000;

    /// <param name="session">The session, as the caller may read it.</param>
    /// <param name="cursor">Where in the session's ElevenLabs ids the page starts (0: the first).</param>
    public async Task<ResultsPage> GetAsync(Session session, int cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var ids = session.ElevenLabsConversationIds;
        var recorded = await RecordedAsync(session.ConversationId, cancellationToken);
        var calls = new List<CallResult>();
        long chars = 0;
        var next = Math.Max(cursor, 0);
        for (; next < ids.Count && calls.Count < MaxCallsPerPage; next++)
        {
            if (await store.GetCallAsync(session.ConversationId, ids[next], withTranscript: true, cancellationToken) is not { } stored)
            {
                continue; // issued, never recorded (still pending, or never used)
            }

            var size = stored.Call.Transcript.Sum(t => (long)(t.Message?.Length ?? 0));
            if (calls.Count > 0 && chars + size > MaxTranscriptCharsPerPage)
            {
                break;
            }

            chars += size;
            calls.Add(new CallResult(stored.Call, recorded?.Contains(ids[next])));
        }

        return new ResultsPage(calls, next < ids.Count ? next : null);
    }

    /// <summary>The ids of the session's stored recordings; null when Blob Storage could not say (the answer leaves it out).</summary>
    private async Task<HashSet<string>?> RecordedAsync(string conversationId, CancellationToken cancellationToken)
    {
        try
        {
            return [.. (await recordings.ListAsync(conversationId, cancellationToken)).Select(r => r.ElevenLabsConversationId)];
        }
        catch (RecordingStoreException ex)
        {
            LogRecordingsUnknown(logger, ex, conversationId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ConversationId}: Blob Storage could not list the recordings; the results leave recordingAvailable out")]
    private static partial void LogRecordingsUnknown(ILogger logger, Exception exception, string conversationId);
}

/// <summary>One page of a session's results: its calls, and where the next page starts (null: none).</summary>
public sealed record ResultsPage(IReadOnlyList<CallResult> Calls, int? NextCursor);

/// <summary>A stored call and whether its recording is stored (null: unknown).</summary>
public sealed record CallResult(CallRecord Call, bool? RecordingAvailable);
