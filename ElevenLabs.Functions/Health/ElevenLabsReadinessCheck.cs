using ElevenLabs.Functions.ElevenLabs;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Health;

/// <summary>ElevenLabs accepts the key: an authenticated GET of the configured agent (a 401 is unhealthy, and so is an unknown agent).</summary>
public sealed class ElevenLabsReadinessCheck(ElevenLabsClient client, IOptions<ElevenLabsOptions> options) : IReadinessCheck
{
    public string Name => "elevenlabs";

    public Task CheckAsync(CancellationToken cancellationToken) => client.CheckAgentAsync(options.Value.AgentId, cancellationToken);

    public Exception TimedOut(TimeSpan timeout) =>
        new ElevenLabsException(ElevenLabsFailure.Timeout, $"ElevenLabs did not answer within {timeout.TotalSeconds:0.#} s.");
}
