using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>One message per wrong <c>RateLimit</c> setting, each naming it.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public const int Max = 1_000_000;

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options) => new SettingErrors()
        .Between("RateLimit:CreatePerMinute", options.CreatePerMinute, 0, Max)
        .Between("RateLimit:RequestsPerMinute", options.RequestsPerMinute, 0, Max)
        .Result;
}
