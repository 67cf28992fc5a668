namespace ElevenLabs.Functions.Sweep;

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
