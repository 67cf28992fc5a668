using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Hosting;

/// <summary>
/// The same routes on Kestrel, for running without the Functions host: each endpoint is named like its function, so
/// request telemetry names it as the host does and the two route tables can be compared (FunctionsMetadataTests).
/// </summary>
public static class SelfHost
{
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>Listens on <see cref="DefaultUrl"/> unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or Kestrel endpoints say otherwise.</summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[WebHostDefaults.ServerUrlsKey]
            ?? builder.Configuration["http_ports"]
            ?? builder.Configuration["https_ports"];
        if (string.IsNullOrWhiteSpace(configured) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        return builder;
    }

    /// <summary>Every method on <c>/elevenlabs-conversation</c> goes to the contract (it answers 405 itself).</summary>
    public static IEndpointRouteBuilder MapConversationEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/" + ConversationEndpoint.Route,
            (HttpContext context, ConversationEndpoint endpoint) => endpoint.HandleAsync(context.Request, context.RequestAborted))
            .WithName(ConversationEndpoint.Route); // the function's name (ConversationFunction)
        return endpoints;
    }

    /// <summary>Every method on <c>/elevenlabs-webhook</c> goes to the webhook (it answers 405 itself).</summary>
    public static IEndpointRouteBuilder MapWebhookEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/" + WebhookEndpoint.Route,
            (HttpContext context, WebhookEndpoint endpoint) => endpoint.HandleAsync(context.Request, context.RequestAborted))
            .WithName(WebhookEndpoint.Route); // the function's name (WebhookFunction)
        return endpoints;
    }
}
