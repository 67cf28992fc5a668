using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.OpenApi;

/// <summary>
/// The API's OpenAPI 3.1 document (<c>OpenApi/openapi.json</c>, embedded in the assembly), served at
/// <c>GET /elevenlabs-conversation/openapi.json</c> by both hosts. The tests validate every answer they receive against it.
/// </summary>
public static class ApiDescription
{
    public const string Route = "elevenlabs-conversation/openapi.json";
    public const string ResourceName = "ElevenLabs.Functions.OpenApi.openapi.json";

    private static readonly Lazy<byte[]> Bytes = new(() =>
    {
        using var stream = typeof(ApiDescription).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly lacks its embedded resource {ResourceName}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The document's UTF-8 JSON.</summary>
    public static ReadOnlyMemory<byte> Document => Bytes.Value;

    /// <summary>The document, as JSON; cacheable for a few minutes (it changes only with a deployment).</summary>
    public static IResult Answer(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Bytes(Bytes.Value, "application/json; charset=utf-8");
    }
}
