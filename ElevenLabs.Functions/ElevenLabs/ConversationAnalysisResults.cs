using System.Text.Json;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>One of <c>analysis.evaluation_criteria_results</c>: <see cref="Result"/> is <c>success</c>, <c>failure</c> or <c>unknown</c>.</summary>
public sealed record EvaluationCriterionResult(string CriteriaId, string? Result, string? Rationale);

/// <summary>One of <c>analysis.data_collection_results</c>: <see cref="Value"/> is what the agent collected (any JSON; undefined when absent).</summary>
public sealed record DataCollectionResult(string DataCollectionId, JsonElement Value, string? Rationale);
