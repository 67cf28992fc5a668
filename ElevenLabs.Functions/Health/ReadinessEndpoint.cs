using System.Globalization;
using ElevenLabs.Functions.Api;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Health;

/// <summary><c>GET /elevenlabs-conversation/ready</c>, shared by both hosts: 200 when every dependency answers, else 503.</summary>
public sealed class ReadinessEndpoint(ReadinessProbe probe, TimeProvider time)
{
    public const string Route = "elevenlabs-conversation/ready";

    public async Task<IResult> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await probe.GetAsync(cancellationToken);
        if (report.Response.IsReady)
        {
            return ApiResults.Json(context, StatusCodes.Status200OK, report.Response, HealthJsonContext.Default.ReadinessResponse);
        }

        // Asking again before the kept result expires gets the same answer.
        var wait = Math.Max(1, Math.Ceiling((report.FreshUntil - time.GetUtcNow()).TotalSeconds));
        context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Json(context, StatusCodes.Status503ServiceUnavailable, report.Response, HealthJsonContext.Default.ReadinessResponse);
    }
}
