using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Hosting;

internal static class OptionsServiceCollectionExtensions
{
    /// <summary>
    /// The one way a settings section is registered: its options class bound from <paramref name="section"/>,
    /// checked at start by its DataAnnotations through <typeparamref name="TValidator"/> (the
    /// <c>[OptionsValidator]</c> generator's, which also runs the class's <c>IValidatableObject</c> rules), one plain
    /// message per wrong setting.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : IValidateOptions<TOptions>, new()
    {
        services.AddSingleton<IValidateOptions<TOptions>, SettingsValidator<TOptions, TValidator>>();
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}

/// <summary>
/// An options class's <c>[OptionsValidator]</c>-generated validator, its messages as the operator reads them: the
/// generator puts the property's name before each attribute's message ("AgentId: ElevenLabs:AgentId must not be
/// empty."), which this takes off, since every message already names the setting. Messages of the class's own
/// <c>IValidatableObject</c> rules (the cross-field ones) carry no such prefix and pass unchanged.
/// </summary>
public sealed partial class SettingsValidator<TOptions, TGenerated> : IValidateOptions<TOptions>
    where TOptions : class
    where TGenerated : IValidateOptions<TOptions>, new()
{
    private readonly TGenerated _generated = new();

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = _generated.Validate(name, options);
        return result.Failed ? ValidateOptionsResult.Fail(result.Failures.Select(f => MemberPrefix().Replace(f, ""))) : result;
    }

    /// <summary>"AgentId: " or "Firebase.ProjectId, Mode: ": a setting's message starts "Section:Key must".</summary>
    [GeneratedRegex(@"^[\w.]+(, [\w.]+)*: ", RegexOptions.CultureInvariant)]
    private static partial Regex MemberPrefix();
}
