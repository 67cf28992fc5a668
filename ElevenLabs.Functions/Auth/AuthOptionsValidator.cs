using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Auth;

/// <summary>Checks <see cref="AuthOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>;
