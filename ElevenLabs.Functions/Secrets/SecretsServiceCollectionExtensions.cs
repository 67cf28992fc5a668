using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>The secret source: configuration (<c>ElevenLabs:ApiKey</c>).</summary>
    public static IHostApplicationBuilder AddSecrets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISecretSource, ConfigurationSecretSource>();
        return builder;
    }
}
