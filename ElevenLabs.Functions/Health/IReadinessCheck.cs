namespace ElevenLabs.Functions.Health;

/// <summary>One dependency the readiness answer checks. A failure is the dependency's own exception, so its code is the error envelope's.</summary>
public interface IReadinessCheck
{
    /// <summary>The check's key in the answer's <c>checks</c> object.</summary>
    string Name { get; }

    /// <summary>Completes when the dependency answered as a working one would; throws the failure otherwise.</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>The failure that a check which did not finish within its time-out stands for.</summary>
    Exception TimedOut(TimeSpan timeout);
}
