using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.Health;

/// <summary>The Azure Functions entry point of the readiness answer, a function of its own.</summary>
public sealed class ReadinessFunction(ReadinessEndpoint endpoint)
{
    public const string Name = "elevenlabs-conversation-ready";

    [Function(Name)]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ReadinessEndpoint.Route)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await endpoint.HandleAsync(request.HttpContext, cancellationToken);
}
