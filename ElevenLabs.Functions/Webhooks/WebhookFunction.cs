using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// The Azure Functions entry point for ElevenLabs' post-call webhook: anonymous at the HTTP level, because the
/// <c>ElevenLabs-Signature</c> header is the authentication (<see cref="WebhookEndpoint"/> checks it).
/// </summary>
public sealed class WebhookFunction(WebhookEndpoint endpoint)
{
    [Function(WebhookEndpoint.Route)]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = WebhookEndpoint.Route)] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, cancellationToken);
}
