namespace ElevenLabs.Functions.Sweep;

/// <summary>One run of the sweep: each idle session it took, oldest first, and what it did with it.</summary>
public sealed record SweepResult(IReadOnlyList<(string ConversationId, SweepOutcome Outcome)> Sessions)
{
    public int Count(SweepOutcome outcome) => Sessions.Count(s => s.Outcome == outcome);
}
