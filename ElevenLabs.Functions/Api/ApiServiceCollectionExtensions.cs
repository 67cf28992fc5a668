using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using AspNetCoreCorsOptions = Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions;

namespace ElevenLabs.Functions.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The HTTP contract: the endpoint both hosts call, and (self-hosted) CORS from <c>Cors:AllowedOrigins</c>.</summary>
    public static IHostApplicationBuilder AddConversationApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section);
        builder.Services.AddCors();
        builder.Services.AddTransient<CorsService>();
        builder.Services.AddTransient<ICorsService, ConfiguredOriginCorsService>();
        builder.Services.AddOptions<AspNetCoreCorsOptions>().Configure<IOptions<CorsOptions>>((cors, settings) =>
            cors.AddDefaultPolicy(policy =>
            {
                var origins = settings.Value.Origins;
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    // Scheme and host compared ignoring case; the answer names the configured origin (ConfiguredOriginCorsService).
                    policy.SetIsOriginAllowed(origin => settings.Value.Match(origin) is not null);
                }

                policy.WithMethods("GET", "POST", "OPTIONS")
                    .WithHeaders("Content-Type", "Authorization")
                    .WithExposedHeaders("Retry-After", "WWW-Authenticate")
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }));
        builder.Services.AddTransient<ConversationEndpoint>();
        return builder;
    }

    /// <summary>Self-hosted: ASP.NET Core's CORS middleware answers preflights and marks answers to allowed origins.</summary>
    public static IApplicationBuilder UseConversationCors(this IApplicationBuilder app) => app.UseCors();
}
