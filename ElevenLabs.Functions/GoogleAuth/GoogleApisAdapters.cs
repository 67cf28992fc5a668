using Google.Apis.Http;
using Google.Apis.Util;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// Google.Apis.Auth's HTTP clients over a named client of <see cref="System.Net.Http.IHttpClientFactory"/>: the token
/// calls go through that client's handlers (time-outs, retries, no loggers) inside Google's own message handler.
/// </summary>
internal sealed class GoogleHttpClientFactory(IHttpMessageHandlerFactory handlers, string name) : HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) => handlers.CreateHandler(name);
}

/// <summary>The app's <see cref="TimeProvider"/> as Google.Apis.Auth's clock: when its tokens count as expiring.</summary>
internal sealed class TimeProviderClock(TimeProvider time) : IClock
{
    public DateTime Now => time.GetLocalNow().DateTime;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
}
