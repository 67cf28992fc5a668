using System.Text.Json;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Firestore;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// Outermost handler of the token calls Google.Apis.Auth makes for workload identity federation: a refusal, a failure
/// after the retries, or no answer becomes a <see cref="GoogleTokenException"/> that says which call it was and what
/// Google answered. The library's own parse of an IAM error (<c>{"error":{code,message,status}}</c>, not an OAuth
/// error) loses the status the operator hint needs, and its exception does not say which endpoint answered.
/// </summary>
internal sealed partial class GoogleTokenErrorHandler(IOptions<FirestoreOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var exchange = request.RequestUri == options.Value.WorkloadIdentity.StsUrl;
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or RateLimiterRejectedException)
        {
            var reason = ex is HttpRequestException http ? http.HttpRequestError.ToString() : ex.GetType().Name;
            throw new GoogleTokenException(exchange, null, reason, null, transient: true, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var (error, description) = await ReadErrorAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            throw new GoogleTokenException(exchange, status, error, Scrub(description), transient: status is 408 or 429 or >= 500);
        }
    }

    /// <summary>STS's OAuth error <c>{error, error_description}</c>, or Google's <c>{"error":{code,message,status}}</c>; nothing when it is neither (a proxy's page).</summary>
    private static async Task<(string? Error, string? Description)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error))
            {
                return (null, null);
            }

            return error.ValueKind switch
            {
                JsonValueKind.String => (error.GetString(), Text(document.RootElement, "error_description")),
                JsonValueKind.Object => (Text(error, "status"), Text(error, "message")),
                _ => (null, null),
            };
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>Google's description, shortened, with anything shaped like a JWT or an OAuth token taken out.</summary>
    internal static string? Scrub(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }

        var scrubbed = TokenLike().Replace(description, "[token]");
        return scrubbed.Length <= 500 ? scrubbed : scrubbed[..500] + "...";
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|ya29\.[A-Za-z0-9_.-]+", RegexOptions.CultureInvariant)]
    private static partial Regex TokenLike();
}

/// <summary>
/// A token call of workload identity federation (Google STS's exchange, or IAM credentials' impersonation) failed, as
/// <see cref="GoogleTokenErrorHandler"/> read it off the answer. Holds Google's error code and description (with
/// anything token-like removed), never a token.
/// </summary>
internal sealed class GoogleTokenException(
    bool exchange, int? httpStatus, string? error, string? description, bool transient, Exception? innerException = null)
    : Exception($"Google {(exchange ? "STS" : "IAM credentials")} failed: {httpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"} {error}", innerException)
{
    /// <summary>True for STS's token exchange, false for IAM credentials' <c>generateAccessToken</c>.</summary>
    public bool Exchange { get; } = exchange;

    /// <summary>The HTTP status, or null when there was no answer (unreachable, timed out).</summary>
    public int? HttpStatus { get; } = httpStatus;

    /// <summary>STS's OAuth <c>error</c> (<c>invalid_grant</c>, ...) or IAM's canonical status (<c>PERMISSION_DENIED</c>, ...).</summary>
    public string? Error { get; } = error;

    public string? Description { get; } = description;

    /// <summary>No answer, or 408, 429, 5xx: trying again later may help.</summary>
    public bool Transient { get; } = transient;

    /// <summary>The HTTP status, else the reason there was no answer: for operator messages.</summary>
    public string Reason => HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Error ?? "no answer";
}
