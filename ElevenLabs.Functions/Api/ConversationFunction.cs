using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.Api;

/// <summary>The Azure Functions entry point: an adapter onto <see cref="ConversationEndpoint"/>.</summary>
public sealed class ConversationFunction(ConversationEndpoint endpoint)
{
    [Function(ConversationEndpoint.Route)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "options", Route = ConversationEndpoint.Route)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await endpoint.HandleAsync(request, cancellationToken);
}
