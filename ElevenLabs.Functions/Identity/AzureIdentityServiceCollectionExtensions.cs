using Azure.Core;
using Azure.Identity;
using ElevenLabs.Functions.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Identity;

public static class AzureIdentityServiceCollectionExtensions
{
    public const string AzureClientIdVariable = "AZURE_CLIENT_ID";

    /// <summary>
    /// The app's one Azure identity (<see cref="TokenCredential"/>): what Key Vault is read with and what Google workload
    /// identity federation starts from. In Azure the managed identity (user-assigned through
    /// <c>KeyVault:ManagedIdentityClientId</c>, else <c>AZURE_CLIENT_ID</c>, else system-assigned; on Azure Functions
    /// through <c>IDENTITY_ENDPOINT</c>), locally the developer's. Made on first use; a credential registered before
    /// (tests register a stand-in's) wins.
    /// </summary>
    public static IHostApplicationBuilder AddAzureIdentity(this IHostApplicationBuilder builder)
    {
        var clientId = builder.Configuration[$"{KeyVaultOptions.Section}:{nameof(KeyVaultOptions.ManagedIdentityClientId)}"];
        if (string.IsNullOrWhiteSpace(clientId))
        {
            clientId = builder.Configuration[AzureClientIdVariable];
        }

        builder.Services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
            ExcludeInteractiveBrowserCredential = true,
        }));
        return builder;
    }
}
