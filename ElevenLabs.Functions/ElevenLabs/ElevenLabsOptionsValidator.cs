using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>One message per wrong <c>ElevenLabs</c> setting, each naming it.</summary>
public sealed class ElevenLabsOptionsValidator : IValidateOptions<ElevenLabsOptions>
{
    public ValidateOptionsResult Validate(string? name, ElevenLabsOptions options) => new SettingErrors()
        .NotEmpty("ElevenLabs:AgentId", options.AgentId)
        .HttpDependency(ElevenLabsOptions.Section, options.BaseUrl, options.Timeout, options.MaxRetries, (0, 5), options.RetryBaseDelay)
        .Between("ElevenLabs:MaxConcurrentCalls", options.MaxConcurrentCalls, 1, 10_000)
        .Result;
}
