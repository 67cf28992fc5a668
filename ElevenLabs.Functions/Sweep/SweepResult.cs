namespace ElevenLabs.Functions.Sweep;

/// <summary>
/// One run of the sweep: each idle session it took, oldest first, and what it did with it; then each pending call the
/// reconcile pass looked at; then each unfinished erasure it took (null: it stopped again).
/// </summary>
public sealed record SweepResult(IReadOnlyList<(string ConversationId, SweepOutcome Outcome)> Sessions)
{
    public IReadOnlyList<(string ConversationId, string ElevenLabsConversationId, ReconcileOutcome Outcome)> Calls { get; init; } = [];

    public IReadOnlyList<(string ConversationId, Sessions.SessionErasure? Erasure)> Erasures { get; init; } = [];

    public int Count(SweepOutcome outcome) => Sessions.Count(s => s.Outcome == outcome);
}
