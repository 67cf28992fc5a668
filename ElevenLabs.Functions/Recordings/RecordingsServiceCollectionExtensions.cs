using Azure.Core;
using Azure.Storage.Blobs;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Recordings;

public static class RecordingsServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="RecordingStore"/>: a <see cref="BlobServiceClient"/> through <c>AddAzureClients</c>, for
    /// <c>Recordings:BlobServiceUri</c> with the app's Azure identity (<see cref="Identity.AzureIdentityServiceCollectionExtensions.AddAzureIdentity"/>),
    /// for <c>Recordings:ConnectionString</c> with its key; with neither, a store that says recordings are off.
    /// </summary>
    public static IHostApplicationBuilder AddRecordings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RecordingsOptions, RecordingsOptionsValidator>(RecordingsOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);

        var options = builder.Configuration.GetSection(RecordingsOptions.Section).Get<RecordingsOptions>() ?? new RecordingsOptions();
        // Settings that do not parse are not registered: RecordingsOptionsValidator stops the start first, naming them.
        var uri = options.UsesIdentity && Uri.TryCreate(options.BlobServiceUri, UriKind.Absolute, out var parsed) ? parsed : null;
        var connectionString = !options.UsesIdentity && options.UsesConnectionString ? options.ConnectionString : null;
        if (uri is not null || connectionString is not null)
        {
            builder.Services.AddAzureClients(azure =>
            {
                var client = uri is not null ? azure.AddBlobServiceClient(uri) : azure.AddBlobServiceClient(connectionString);
                client.ConfigureOptions(blob =>
                {
                    blob.Retry.MaxRetries = 3;
                    blob.Retry.Delay = TimeSpan.FromMilliseconds(200);
                    blob.Retry.NetworkTimeout = TimeSpan.FromSeconds(30); // per block of RecordingStore.BlockSize
                });
                if (uri is not null)
                {
                    client.WithCredential(sp => sp.GetRequiredService<TokenCredential>()); // the app's one identity
                }
            });
        }

        builder.Services.AddSingleton(sp => new RecordingStore(
            uri is not null || connectionString is not null ? sp.GetRequiredService<BlobServiceClient>() : null,
            sp.GetRequiredService<IOptions<RecordingsOptions>>().Value.Container,
            userDelegation: uri is not null,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RecordingStore>>()));
        return builder;
    }
}
