using ElevenLabs.Functions.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    /// <summary>ElevenLabs' post-call webhook: its endpoint, the signing keys (from the secret source) and the call recorder.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WebhookSecretKeys>(); // remembers the previous secret across requests
        builder.Services.TryAddTransient<CallRecorder>();
        builder.Services.AddTransient<WebhookEndpoint>();
        return builder;
    }
}
