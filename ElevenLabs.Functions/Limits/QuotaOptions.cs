using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>Settings of the <c>Quota</c> section: per caller, across all instances.</summary>
public sealed class QuotaOptions
{
    public const string Section = "Quota";

    /// <summary><c>Quota:SessionsPerDay</c>: sessions a caller may create per UTC day (0: no quota).</summary>
    [SettingRange(0, RateLimitOptions.Max)]
    public int SessionsPerDay { get; set; } = 50;
}

/// <summary>Checks <see cref="QuotaOptions"/>' attributes (generated).</summary>
[OptionsValidator]
public sealed partial class QuotaOptionsValidator : IValidateOptions<QuotaOptions>;
