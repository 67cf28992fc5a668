using ElevenLabs.Functions.Hosting;
using Azure.Core;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// The secret source: Key Vault when <c>KeyVault:Uri</c> is set (read as the app's Azure identity, see
    /// <see cref="Identity.AzureIdentityServiceCollectionExtensions.AddAzureIdentity"/>), else configuration.
    /// </summary>
    public static IHostApplicationBuilder AddSecrets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<KeyVaultOptions, KeyVaultOptionsValidator>(KeyVaultOptions.Section);
        builder.Services.AddSingleton<ConfigurationSecretSource>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        var keyVault = builder.Configuration.GetSection(KeyVaultOptions.Section).Get<KeyVaultOptions>() ?? new KeyVaultOptions();
        if (!keyVault.Enabled)
        {
            builder.Services.AddSingleton<ISecretSource>(sp => sp.GetRequiredService<ConfigurationSecretSource>());
            return builder;
        }

        // A URI that does not parse is not registered: KeyVaultOptionsValidator stops the start first, naming it.
        if (Uri.TryCreate(keyVault.Uri, UriKind.Absolute, out var vaultUri))
        {
            builder.Services.AddAzureClients(azure =>
            {
                azure.AddSecretClient(vaultUri).ConfigureOptions(options =>
                {
                    options.Retry.MaxRetries = 2;
                    options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                    options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
                });
                azure.UseCredential(sp => sp.GetRequiredService<TokenCredential>()); // the app's one identity
            });
        }

        builder.Services.AddSingleton<ISecretSource, KeyVaultSecretSource>();
        return builder;
    }
}
