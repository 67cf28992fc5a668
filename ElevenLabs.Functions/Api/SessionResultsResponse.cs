using System.Text.Json;

namespace ElevenLabs.Functions.Api;

/// <summary>get_results: the session's stored calls, a page at a time (<see cref="SessionResults.NextCursor"/>).</summary>
public sealed record SessionResultsResponse(bool Success, string ConversationId, SessionResults Data);

/// <param name="NextCursor">The <c>callCursor</c> of the next page; null on the last.</param>
public sealed record SessionResults(string ConversationId, string Status, IReadOnlyList<CallResultData> Calls, string? NextCursor);

/// <summary>One call: what ElevenLabs reported of it, its transcript in order, its analysis, and whether its recording is stored.</summary>
public sealed record CallResultData(
    string ElevenLabsConversationId,
    string? Status,
    string Source,
    DateTime? StartedAt,
    long? CallDurationSecs,
    string? TerminationReason,
    IReadOnlyList<TranscriptTurnData> Transcript,
    CallAnalysisData Analysis,
    bool? RecordingAvailable);

public sealed record TranscriptTurnData(string? Role, string? Message, long? TimeInCallSecs);

/// <summary>ElevenLabs' analysis; the two result maps keyed by criterion and data collection id, as ElevenLabs keys them.</summary>
public sealed record CallAnalysisData(
    string? CallSuccessful,
    string? TranscriptSummary,
    IReadOnlyDictionary<string, EvaluationCriterionData> EvaluationCriteriaResults,
    IReadOnlyDictionary<string, DataCollectionData> DataCollectionResults);

public sealed record EvaluationCriterionData(string CriteriaId, string? Result, string? Rationale);

/// <param name="Value">The value collected, as ElevenLabs gave it (any JSON; null when none).</param>
public sealed record DataCollectionData(string DataCollectionId, JsonElement Value, string? Rationale);
