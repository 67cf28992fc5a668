namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// What one run of a session's erasure removed: ElevenLabs conversations deleted (one already gone there is not
/// counted), recordings deleted from Blob Storage, call documents and transcript part documents deleted. A run that
/// finishes an erasure an earlier run began counts only what was left.
/// </summary>
public sealed record SessionErasure(string ConversationId, int Conversations, int Recordings, int Calls, int TranscriptParts);

/// <summary>The call documents and transcript part documents a store deleted.</summary>
public sealed record ErasedCalls(int Calls, int TranscriptParts);

/// <summary>Who asked for an erasure: the <c>Source</c> of its <c>SessionErased</c> event.</summary>
public static class ErasureSource
{
    /// <summary><c>delete_session</c>, by the session's owner.</summary>
    public const string Client = "client";

    /// <summary>The sweep, finishing an erasure that failed midway.</summary>
    public const string Sweep = "sweep";

    /// <summary>The retention policy (<c>Sessions:RetentionDays</c>), from the timer.</summary>
    public const string Retention = "retention";
}
