using Google.Apis.Http;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// Google.Apis.Auth's HTTP clients over a named client of <see cref="System.Net.Http.IHttpClientFactory"/>: the token
/// calls go through that client's handlers (time-outs, retries, no loggers) inside Google's own message handler.
/// </summary>
internal sealed class GoogleHttpClientFactory(IHttpMessageHandlerFactory handlers, string name) : HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) => handlers.CreateHandler(name);
}
