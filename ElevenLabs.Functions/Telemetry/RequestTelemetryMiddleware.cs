using System.Globalization;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ElevenLabs.Functions.Telemetry;

/// <summary>
/// Request telemetry for the self-hosted mode (under Azure Functions the host reports one request per invocation,
/// named by the function, and the worker reports none: no middleware of ours runs there). Dependencies made while
/// handling the request are correlated to it. Named like the function (<c>elevenlabs-conversation</c>,
/// <c>elevenlabs-conversation-ready</c>, ...), as the host names its requests, so both hosts chart alike. Whatever
/// the client sent, telemetry never fails the request: a <c>Host</c> that makes no URL (missing under HTTP/1.0,
/// <c>x:99999</c>, <c>a..b</c>) is reported with the path alone.
/// </summary>
public sealed class RequestTelemetryMiddleware(RequestDelegate next)
{
    // The client per request, not in the constructor: the pipeline is built before the first answer, the telemetry
    // configuration in the background meanwhile (StartupReport).
    public async Task InvokeAsync(HttpContext context, TelemetryClient client)
    {
        // Routing has run (WebApplication puts it first): an endpoint is named like its function (SelfHost).
        var name = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
            ?? context.Request.Path.Value?.TrimStart('/') ?? "";
        using var operation = client.StartOperation<RequestTelemetry>(name);
        operation.Telemetry.Url = Url(context.Request);
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            operation.Telemetry.ResponseCode = status.ToString(CultureInfo.InvariantCulture);
            operation.Telemetry.Success = status < StatusCodes.Status400BadRequest;
        }
    }

    /// <summary>The request's absolute URL when its Host makes one, else its path (relative).</summary>
    private static Uri Url(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).ToUriComponent();
        return request.Host.HasValue && Uri.TryCreate($"{request.Scheme}://{request.Host.ToUriComponent()}{path}", UriKind.Absolute, out var url)
            ? url
            : new Uri(path, UriKind.Relative);
    }
}
