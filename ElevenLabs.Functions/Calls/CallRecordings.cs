using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Calls;

/// <summary>
/// The use case "play a call's recording": a short-lived read-only link to the recording of one of the session's calls
/// (by default its latest recorded call). The caller has been checked by whoever read the session.
/// </summary>
public sealed class CallRecordings(RecordingStore recordings)
{
    /// <exception cref="RecordingsDisabledException">Recordings are off on this deployment.</exception>
    /// <exception cref="RecordingNotFoundException">The session has no such call, or no stored recording of it.</exception>
    /// <exception cref="RecordingStoreException">Blob Storage failed.</exception>
    public async Task<(string ElevenLabsConversationId, RecordingLink Link)> LinkAsync(Session session, string? elevenLabsConversationId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!recordings.Enabled)
        {
            throw new RecordingsDisabledException();
        }

        var ids = session.ElevenLabsConversationIds;
        string id;
        if (elevenLabsConversationId is not null)
        {
            id = ids.Contains(elevenLabsConversationId, StringComparer.Ordinal)
                ? elevenLabsConversationId
                : throw new RecordingNotFoundException(session.ConversationId, elevenLabsConversationId);
        }
        else
        {
            var stored = (await recordings.ListAsync(session.ConversationId, cancellationToken)).Select(r => r.ElevenLabsConversationId).ToHashSet(StringComparer.Ordinal);
            id = ids.LastOrDefault(stored.Contains) ?? throw new RecordingNotFoundException(session.ConversationId, "(latest)");
        }

        return (id, await recordings.GetLinkAsync(session.ConversationId, id, cancellationToken));
    }
}
