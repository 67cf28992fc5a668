namespace ElevenLabs.Functions.Sweep;

/// <summary>
/// One run of the sweep: each idle session it took, oldest first, and what it did with it; then each pending call the
/// reconcile pass looked at; then each unfinished erasure it took (null: it stopped again); then each session past
/// retention it erased (null: it stopped, and the next run tries again).
/// </summary>
public sealed record SweepResult(IReadOnlyList<(string ConversationId, SweepOutcome Outcome)> Sessions)
{
    public IReadOnlyList<(string ConversationId, string ElevenLabsConversationId, ReconcileOutcome Outcome)> Calls { get; init; } = [];

    public IReadOnlyList<(string ConversationId, Sessions.SessionErasure? Erasure)> Erasures { get; init; } = [];

    public IReadOnlyList<(string ConversationId, Sessions.SessionErasure? Erasure)> Expirations { get; init; } = [];

    public int Count(SweepOutcome outcome) => Sessions.Count(s => s.Outcome == outcome);
}

/// <summary>What the sweep did with one idle session.</summary>
public enum SweepOutcome
{
    /// <summary>Its latest call is done or failed: the session is <c>ended</c>, <c>endedBy: "sweeper"</c>.</summary>
    Ended,

    /// <summary>No call, or none that finished in time: the session is <c>expired</c>.</summary>
    Expired,

    /// <summary>Its call is still running and younger than a day, or ElevenLabs could not be asked: looked at again next run.</summary>
    LeftAlone,

    /// <summary>Someone else (the client, the webhook) wrote the session meanwhile: their write stands.</summary>
    ChangedMeanwhile,

    /// <summary>The store refused the write.</summary>
    Failed,
}

/// <summary>What the reconcile pass did with one pending call.</summary>
public enum ReconcileOutcome
{
    /// <summary>Finished at ElevenLabs and not stored: fetched and recorded as the webhook would have (<c>CallReconciled</c>).</summary>
    Recovered,

    /// <summary>Finished, and stored meanwhile (the webhook came): nothing more to do.</summary>
    AlreadyStored,

    /// <summary>Not finished (or unknown) at ElevenLabs yet: still pending.</summary>
    NotFinished,

    /// <summary>Not finished on a session untouched for a day: no longer pending.</summary>
    GivenUp,

    /// <summary>ElevenLabs or the store failed: still pending, asked again next run.</summary>
    Failed,
}
