namespace ElevenLabs.Functions.Sessions;

/// <summary>One turn of a call's transcript, in ElevenLabs' terms (<c>role</c> is <c>agent</c> or <c>user</c>).</summary>
public sealed record TranscriptTurn(string? Role, string? Message, long? TimeInCallSecs);
