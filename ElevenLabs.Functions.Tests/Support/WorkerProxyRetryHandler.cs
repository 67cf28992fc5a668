namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// The host's hop to the worker retries as azure-functions-host's <c>RetryProxyHandler</c> does: a request that could not
/// connect to the worker's HTTP server (its Kestrel not listening yet, say) is sent again, up to 10 attempts in all, after
/// 50 ms doubling to at most 250 ms; cancellation ends it at once. Only connection failures are retried here (nothing of
/// the body has been read then); the host retries any <see cref="HttpRequestException"/>. Without it, a request arriving
/// between the worker's init answer and its Kestrel's start got the stand-in's 500, which Azure's host does not give.
/// </summary>
public sealed class WorkerProxyRetryHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const int MaxAttempts = 10;
    public static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan MaximumDelay = TimeSpan.FromMilliseconds(250);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = InitialDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && attempt < MaxAttempts
                && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken);
                delay = delay * 2 < MaximumDelay ? delay * 2 : MaximumDelay;
            }
        }
    }
}
