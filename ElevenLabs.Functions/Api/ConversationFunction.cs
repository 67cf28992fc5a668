using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.Api;

/// <summary>
/// The Azure Functions entry point: an adapter onto <see cref="ConversationEndpoint"/>. Every method reaches it, as
/// self-hosted, so a method outside GET, POST and OPTIONS gets the contract's 405 envelope with <c>Allow</c> (with a
/// method list, the host answers any other method with an empty 404 before the worker sees it).
/// </summary>
public sealed class ConversationFunction(ConversationEndpoint endpoint)
{
    [Function(ConversationEndpoint.Route)]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, Route = ConversationEndpoint.Route)] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, cancellationToken);
}
