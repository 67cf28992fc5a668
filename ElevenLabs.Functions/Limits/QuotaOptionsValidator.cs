using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>Names a wrong <c>Quota:SessionsPerDay</c>.</summary>
public sealed class QuotaOptionsValidator : IValidateOptions<QuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaOptions options) => new SettingErrors()
        .Between("Quota:SessionsPerDay", options.SessionsPerDay, 0, RateLimitOptionsValidator.Max)
        .Result;
}
