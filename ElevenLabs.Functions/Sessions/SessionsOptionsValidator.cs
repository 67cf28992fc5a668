using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Checks <see cref="SessionsOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class SessionsOptionsValidator : IValidateOptions<SessionsOptions>;
