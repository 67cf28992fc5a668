using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Recordings;

/// <summary>Checks <see cref="RecordingsOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class RecordingsOptionsValidator : IValidateOptions<RecordingsOptions>;
