using System.Net;
using System.Text.Json;

namespace ElevenLabs.Functions.ElevenLabs;

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
