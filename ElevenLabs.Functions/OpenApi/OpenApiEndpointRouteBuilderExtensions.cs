using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ElevenLabs.Functions.OpenApi;

public static class OpenApiEndpointRouteBuilderExtensions
{
    /// <summary>The document's route on Kestrel (under the Functions host, <see cref="ApiDescriptionFunction"/> serves it).</summary>
    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/" + ApiDescription.Route, (HttpContext context) => ApiDescription.Answer(context))
            .WithName(ApiDescriptionFunction.Name);
        return endpoints;
    }
}
