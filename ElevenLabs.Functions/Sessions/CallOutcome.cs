namespace ElevenLabs.Functions.Sessions;

/// <summary>What recording a call did: the session it belongs to (null: kept with the unmatched calls), and whether this delivery stored anything new.</summary>
public sealed record CallOutcome(string? ConversationId, string? MatchedBy, bool FirstDelivery);
