using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Names a <c>Sessions:Store</c> that is not one of the stores, and an in-memory capacity out of range.</summary>
public sealed class SessionsOptionsValidator : IValidateOptions<SessionsOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionsOptions options) => new SettingErrors()
        .Check(Enum.IsDefined(options.Store), "Sessions:Store must be Auto, InMemory or Firestore.")
        .Between("Sessions:InMemoryCapacity", options.InMemoryCapacity, 1, 1_000_000)
        .Result;
}
