using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>Checks <see cref="RateLimitOptions"/>' attributes (generated).</summary>
[OptionsValidator]
public sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;
