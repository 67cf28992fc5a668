using System.Globalization;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Telemetry;

/// <summary>
/// Request telemetry for the self-hosted mode (under Azure Functions the host reports requests). Dependencies
/// made while handling the request are correlated to it. Named like the function (<c>elevenlabs-conversation</c>)
/// so both hosts chart alike.
/// </summary>
public sealed class RequestTelemetryMiddleware(RequestDelegate next, TelemetryClient client)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using var operation = client.StartOperation<RequestTelemetry>(context.Request.Path.Value?.TrimStart('/') ?? "");
        operation.Telemetry.Url = new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}");
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
}
