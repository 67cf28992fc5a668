using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>Checks <see cref="QuotaOptions"/>' attributes (generated).</summary>
[OptionsValidator]
public sealed partial class QuotaOptionsValidator : IValidateOptions<QuotaOptions>;
