using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Api;

/// <summary>
/// ASP.NET Core's CORS service, answering with the configured origin: the policy allows an origin whose scheme and
/// host match a configured one ignoring case (<see cref="CorsOptions.Match"/>), and this names the configured
/// origin in <c>Access-Control-Allow-Origin</c> instead of echoing the request's spelling. (A preflight already
/// lists the policy's headers, <c>Content-Type</c> and <c>Authorization</c>, whatever was asked for.)
/// </summary>
public sealed class ConfiguredOriginCorsService(CorsService inner, IOptions<CorsOptions> settings) : ICorsService
{
    public CorsResult EvaluatePolicy(HttpContext context, CorsPolicy policy)
    {
        var result = inner.EvaluatePolicy(context, policy);
        if (result.AllowedOrigin is { } origin && origin != CorsConstants.AnyOrigin && settings.Value.Match(origin) is { } configured)
        {
            result.AllowedOrigin = configured;
        }

        return result;
    }

    public void ApplyResult(CorsResult result, HttpResponse response) => inner.ApplyResult(result, response);
}
