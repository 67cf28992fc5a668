using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.OpenApi;

/// <summary>The Azure Functions entry point of the OpenAPI document.</summary>
public sealed class ApiDescriptionFunction
{
    public const string Name = "elevenlabs-conversation-openapi";

    [Function(Name)]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiDescription.Route)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApiDescription.Answer(request.HttpContext);
    }
}
