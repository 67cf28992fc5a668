using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>Checks <see cref="ElevenLabsOptions"/>' attributes (generated).</summary>
[OptionsValidator]
public sealed partial class ElevenLabsOptionsValidator : IValidateOptions<ElevenLabsOptions>;
