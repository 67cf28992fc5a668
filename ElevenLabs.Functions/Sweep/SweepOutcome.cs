namespace ElevenLabs.Functions.Sweep;

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
