using System.Net;
using System.Text.Json;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>ElevenLabs did not do what was asked. The message holds ElevenLabs' own status and message, never the key.</summary>
public sealed class ElevenLabsException(
    ElevenLabsFailure failure,
    string message,
    TimeSpan? retryAfter = null,
    Exception? innerException = null) : Exception(message, innerException)
{
    public ElevenLabsFailure Failure { get; } = failure;

    /// <summary>How long to wait before trying again, when known: ElevenLabs' own <c>Retry-After</c>, or an open circuit's break.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>How ElevenLabs failed; <c>ApiErrors.From</c> turns each into the client's answer.</summary>
public enum ElevenLabsFailure
{
    /// <summary>401/403: the API key is wrong, revoked or lacks the permission.</summary>
    Unauthorized,

    /// <summary>429: too many concurrent requests, or the system is busy.</summary>
    RateLimited,

    /// <summary>5xx after retries.</summary>
    ServerError,

    /// <summary>Another 4xx: ElevenLabs refused the request (unknown agent, validation).</summary>
    Rejected,

    /// <summary>No answer within the timeout, after retries.</summary>
    Timeout,

    /// <summary>The connection failed.</summary>
    Unreachable,

    /// <summary>A 2xx whose body is not what the API documents.</summary>
    InvalidResponse,

    /// <summary>Not called: ElevenLabs failed so often lately that the circuit is open (for the break duration).</summary>
    CircuitOpen,

    /// <summary>Not called: this instance already has as many ElevenLabs calls in flight as it allows.</summary>
    TooManyCalls,
}

/// <summary>Turns a non-success answer from ElevenLabs into an <see cref="ElevenLabsException"/>.</summary>
internal static class ElevenLabsErrors
{
    private const int MaxErrorBodyBytes = 16 * 1024;

    public static async Task<ElevenLabsException> ReadAsync(HttpResponseMessage response, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (status, message) = await ReadDetailAsync(response, cancellationToken);
        var code = response.StatusCode;
        var failure = code switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ElevenLabsFailure.Unauthorized,
            HttpStatusCode.TooManyRequests => ElevenLabsFailure.RateLimited,
            >= HttpStatusCode.InternalServerError => ElevenLabsFailure.ServerError,
            _ => ElevenLabsFailure.Rejected,
        };
        var text = $"ElevenLabs answered {(int)code}" + (status is null ? "" : $" ({status})") + (message is null ? "." : $": {message}");
        return new ElevenLabsException(failure, text, RetryAfter(response, now));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - now : null;
    }

    private static async Task<(string? Status, string? Message)> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyBytes];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var body = JsonSerializer.Deserialize(buffer.AsSpan(0, read), ElevenLabsJsonContext.Default.ElevenLabsErrorBody);
            return body?.Detail.ValueKind switch
            {
                JsonValueKind.Object => (String(body.Detail, "status"), String(body.Detail, "message")),
                JsonValueKind.String => (null, body.Detail.GetString()),
                JsonValueKind.Array => ("validation_error", ValidationMessage(body.Detail)),
                _ => (null, null),
            };
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string ValidationMessage(JsonElement list) =>
        string.Join("; ", list.EnumerateArray()
            .Where(item => item.ValueKind == JsonValueKind.Object)
            .Select(item => String(item, "msg"))
            .OfType<string>());
}
