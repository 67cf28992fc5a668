namespace ElevenLabs.Functions.Hosting;

/// <summary>The settings every HTTP dependency has (<c>{Section}:Timeout</c>, <c>:MaxRetries</c>, <c>:RetryBaseDelay</c>): what its pipeline is made from.</summary>
public interface IHttpDependencyOptions
{
    /// <summary>The bounds every dependency's <c>Timeout</c> is held to (one attempt) and its <c>RetryBaseDelay</c>'s upper one.</summary>
    const string MinTimeout = "00:00:00.1", MaxTimeout = "00:01:00", MaxRetryBaseDelay = "00:00:10";

    /// <summary>One attempt's time-out.</summary>
    TimeSpan Timeout { get; }

    /// <summary>How many times a transient failure is retried.</summary>
    int MaxRetries { get; }

    /// <summary>The first retry's delay; then exponential with jitter.</summary>
    TimeSpan RetryBaseDelay { get; }
}
