using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.Api;

/// <summary>The Azure Functions entry point: an adapter onto <see cref="ConversationEndpoint"/>.</summary>
public sealed class ConversationFunction(ConversationEndpoint endpoint)
{
    [Function(ConversationEndpoint.Route)]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "options", Route = ConversationEndpoint.Route)] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, cancellationToken);
}
