namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// What recording a call did: the session it belongs to (null: kept with the unmatched calls), whether this delivery
/// stored the call first, and whether it replaced a stored one (a later <c>event_timestamp</c>).
/// </summary>
public sealed record CallOutcome(string? ConversationId, string? MatchedBy, bool FirstDelivery, bool Replaced = false);
