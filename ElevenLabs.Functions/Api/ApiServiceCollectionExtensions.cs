using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using AspNetCoreCorsOptions = Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions;

namespace ElevenLabs.Functions.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The HTTP contract: the endpoint both hosts call.</summary>
    public static IHostApplicationBuilder AddConversationApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTransient<ConversationEndpoint>();
        return builder;
    }

    /// <summary>
    /// Self-hosted only: ASP.NET Core's CORS policy for the origins of <c>Cors:AllowedOrigins</c> (none: no policy, no
    /// CORS headers). Under Azure Functions the platform answers CORS, so the worker registers nothing of it.
    /// </summary>
    public static IHostApplicationBuilder AddSelfHostedCors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section);
        builder.Services.AddCors();
        builder.Services.AddOptions<AspNetCoreCorsOptions>().Configure<IOptions<CorsOptions>>((cors, settings) =>
        {
            var origins = settings.Value.Origins;
            if (origins.Count == 0)
            {
                return;
            }

            cors.AddDefaultPolicy(policy =>
            {
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. origins]); // which puts them in lower case, as browsers send an Origin
                }

                policy.WithMethods("GET", "POST", "OPTIONS")
                    .WithHeaders("Content-Type", "Authorization")
                    .WithExposedHeaders("Retry-After", "WWW-Authenticate")
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            });
        });
        return builder;
    }

    /// <summary>
    /// Self-hosted: ASP.NET Core's CORS middleware answers preflights and marks answers to allowed origins. The
    /// request's <c>Origin</c> is put in lower case first (an origin's scheme and host are case-insensitive and its
    /// port is digits): the framework lower-cases the configured origins but compares the request's ordinally and
    /// echoes it, so without this a case variant of an allowed origin would be refused (and a case-insensitive
    /// <c>SetIsOriginAllowed</c> would answer it with its own spelling, not the configured origin).
    /// </summary>
    public static IApplicationBuilder UseConversationCors(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Headers.Origin is { Count: 1 } origin && origin[0] is { } value)
            {
                context.Request.Headers.Origin = value.ToLowerInvariant();
            }

            return next(context);
        });
        return app.UseCors();
    }
}
