namespace ElevenLabs.Functions.Api;

/// <summary>Every failure: <c>success</c> false and a human-readable <c>error</c>; the rest is extra.</summary>
public sealed record ErrorResponse(bool Success, string Error, string Code, string? Detail, string RequestId);
