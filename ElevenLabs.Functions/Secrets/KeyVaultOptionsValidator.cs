using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

/// <summary>Checks <see cref="KeyVaultOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>;
