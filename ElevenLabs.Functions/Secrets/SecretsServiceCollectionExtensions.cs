using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// The secret source: Key Vault when <c>KeyVault:Uri</c> is set (managed identity in Azure, developer
    /// credentials locally), else configuration.
    /// </summary>
    public static IHostApplicationBuilder AddSecrets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeyVaultOptions>()
            .BindConfiguration(KeyVaultOptions.Section)
            .Configure<IConfiguration>((o, configuration) => o.ManagedIdentityClientId ??= configuration["AZURE_CLIENT_ID"])
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KeyVaultOptions>, KeyVaultOptionsValidator>();
        builder.Services.AddSingleton<ConfigurationSecretSource>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{KeyVaultOptions.Section}:Uri"]))
        {
            builder.Services.AddSingleton<ISecretSource>(sp => sp.GetRequiredService<ConfigurationSecretSource>());
            return builder;
        }

        builder.Services.TryAddSingleton<TokenCredential>(sp =>
        {
            var clientId = sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.ManagedIdentityClientId;
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
                ExcludeInteractiveBrowserCredential = true,
            });
        });
        builder.Services.TryAddSingleton(_ =>
        {
            var options = new SecretClientOptions();
            options.Retry.MaxRetries = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
            return options;
        });
        builder.Services.AddSingleton(sp => new SecretClient(
            sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.VaultUri,
            sp.GetRequiredService<TokenCredential>(),
            sp.GetRequiredService<SecretClientOptions>()));
        builder.Services.AddSingleton<ISecretSource, KeyVaultSecretSource>();
        return builder;
    }
}
