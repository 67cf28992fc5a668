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
