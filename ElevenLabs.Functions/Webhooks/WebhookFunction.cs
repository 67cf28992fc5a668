using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// The Azure Functions entry point for ElevenLabs' post-call webhook: anonymous at the HTTP level, because the
/// <c>ElevenLabs-Signature</c> header is the authentication (<see cref="WebhookEndpoint"/> checks it). Every method
/// reaches it, as self-hosted: <see cref="WebhookEndpoint"/> answers anything but POST with the 405 envelope.
/// </summary>
public sealed class WebhookFunction(WebhookEndpoint endpoint)
{
    [Function(WebhookEndpoint.Route)]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, Route = WebhookEndpoint.Route)] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, cancellationToken);
}
