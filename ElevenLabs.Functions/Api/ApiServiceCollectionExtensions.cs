using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The HTTP contract: the endpoint both hosts call, and CORS.</summary>
    public static IHostApplicationBuilder AddConversationApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section);
        builder.Services.AddSingleton<CorsPolicy>();
        builder.Services.AddTransient<ConversationEndpoint>();
        return builder;
    }
}
