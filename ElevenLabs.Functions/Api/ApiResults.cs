using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ElevenLabs.Functions.Api;

/// <summary>The contract's answers as the framework's results; both hosts execute an <see cref="IResult"/>.</summary>
public static class ApiResults
{
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>A JSON answer. No answer of this API may be cached: it carries credentials or live state.</summary>
    public static IResult Json<T>(HttpContext context, int statusCode, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(value, typeInfo, JsonContentType, statusCode);
    }

    /// <summary>The error envelope for <paramref name="error"/>, with its <c>Retry-After</c>.</summary>
    public static IResult Error(HttpContext context, ApiError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        if (error.RetryAfter is { } after)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(after.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (error.Challenge is { } challenge)
        {
            context.Response.Headers.WWWAuthenticate = challenge;
        }

        return Json(context, error.StatusCode,
            new ErrorResponse(false, error.Message, error.Code, error.Detail, RequestId(context)), ApiJsonContext.Default.ErrorResponse);
    }

    /// <summary>204 with the methods this route answers.</summary>
    public static IResult Options(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers[HeaderNames.Allow] = ConversationEndpoint.AllowedMethods;
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.NoContent();
    }

    /// <summary>The id an operator finds this request by: the trace id in Application Insights.</summary>
    public static string RequestId(HttpContext context) =>
        Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
}
