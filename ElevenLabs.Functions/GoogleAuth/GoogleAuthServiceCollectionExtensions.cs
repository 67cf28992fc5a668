using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.GoogleAuth;

public static class GoogleAuthServiceCollectionExtensions
{
    /// <summary>
    /// Who the app is to Google (<c>Firestore:Auth</c>): the emulator's owner, a service-account key, or workload
    /// identity federation from the app's Azure identity, whose token calls get their own client with the Firestore
    /// time-outs and retries, inside <see cref="GoogleTokenErrorHandler"/>.
    /// </summary>
    public static IHostApplicationBuilder AddGoogleCredential(this IHostApplicationBuilder builder, FirestoreOptions firestore)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(firestore);
        if (firestore.UsesEmulator)
        {
            builder.Services.AddSingleton<IFirestoreCredential, EmulatorCredential>();
        }
        else if (firestore.UsesWorkloadIdentity)
        {
            builder.Services.AddSingleton<IFirestoreCredential, WorkloadIdentityFederation>();
            builder.Services.AddTransient<GoogleTokenErrorHandler>();
            builder.Services.AddHttpClient(WorkloadIdentityFederation.HttpClientName)
                .AddHttpMessageHandler<GoogleTokenErrorHandler>() // outside the retries: it sees what is left after them
                .AddDependencyResilience<FirestoreOptions>();
        }
        else
        {
            builder.Services.AddSingleton<IFirestoreCredential, ServiceAccountKeyCredential>();
        }

        return builder;
    }
}
