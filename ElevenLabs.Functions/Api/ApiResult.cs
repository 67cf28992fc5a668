using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ElevenLabs.Functions.Api;

/// <summary>
/// One answer of the contract: status, headers and a JSON body. It is both an ASP.NET Core
/// <see cref="IResult"/> (self-hosted) and an MVC <see cref="IActionResult"/> (Functions worker).
/// </summary>
public sealed class ApiResult : IResult, IActionResult
{
    private readonly byte[]? _body;

    private ApiResult(int statusCode, byte[]? body)
    {
        StatusCode = statusCode;
        _body = body;
    }

    public int StatusCode { get; }

    /// <summary>The envelope's <c>code</c>, for error answers.</summary>
    public string? ErrorCode { get; internal set; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ApiResult Json<T>(int statusCode, T value, JsonTypeInfo<T> typeInfo) =>
        new(statusCode, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        response.Headers.CacheControl = "no-store";
        if (_body is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = _body.Length;
            await response.Body.WriteAsync(_body, httpContext.RequestAborted);
        }
    }

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }
}
