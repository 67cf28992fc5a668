using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Google's error body: <c>{"error":{"code","message","status"}}</c>.</summary>
internal sealed record FirestoreErrorBody([property: JsonPropertyName("error")] FirestoreError? Error);

internal sealed record FirestoreError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("status")] string? Status);

[JsonSerializable(typeof(FirestoreErrorBody))]
internal sealed partial class FirestoreJsonContext : JsonSerializerContext;

/// <summary>Reads the canonical status of a failed answer: what the store branches on (409 is ALREADY_EXISTS or ABORTED).</summary>
internal static class FirestoreErrors
{
    public static readonly HashSet<string> Transient =
        ["UNAVAILABLE", "ABORTED", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "INTERNAL"];

    public static async Task<FirestoreError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonSafeAsync(cancellationToken);
            if (body?.Error is { Status: not null } error)
            {
                return error;
            }
        }
        catch (JsonException)
        {
            // Not Google's shape (a proxy's page, say): fall back on the HTTP code below.
        }

        return new FirestoreError((int)response.StatusCode, null, FromHttpCode(response.StatusCode));
    }

    private static async Task<FirestoreErrorBody?> ReadFromJsonSafeAsync(this HttpContent content, CancellationToken cancellationToken)
    {
        await content.LoadIntoBufferAsync(cancellationToken);
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
        return bytes.Length == 0 ? null : JsonSerializer.Deserialize(bytes, FirestoreJsonContext.Default.FirestoreErrorBody);
    }

    private static string FromHttpCode(HttpStatusCode code) => code switch
    {
        HttpStatusCode.NotFound => "NOT_FOUND",
        HttpStatusCode.Unauthorized => "UNAUTHENTICATED",
        HttpStatusCode.Forbidden => "PERMISSION_DENIED",
        HttpStatusCode.TooManyRequests => "RESOURCE_EXHAUSTED",
        HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway => "UNAVAILABLE",
        HttpStatusCode.GatewayTimeout => "DEADLINE_EXCEEDED",
        >= HttpStatusCode.InternalServerError => "INTERNAL",
        _ => "UNKNOWN",
    };
}
