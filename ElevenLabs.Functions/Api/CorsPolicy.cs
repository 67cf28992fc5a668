using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Api;

/// <summary>Settings of the <c>Cors</c> section.</summary>
public sealed class CorsOptions
{
    public const string Section = "Cors";

    /// <summary>
    /// <c>Cors:AllowedOrigins</c>: a comma list of origins, or <c>*</c>. Empty (the default): no CORS
    /// headers at all, as on Azure, where the platform answers CORS.
    /// </summary>
    public string? AllowedOrigins { get; set; }
}

/// <summary>In-code CORS for the self-hosted mode (no ASP.NET Core middleware runs in the Functions worker).</summary>
public sealed class CorsPolicy(IOptionsMonitor<CorsOptions> options)
{
    public const string AllowedMethods = "GET, POST, OPTIONS";
    private const string DefaultAllowedHeaders = "Content-Type, Authorization";

    /// <summary>True for an OPTIONS request that is a CORS preflight.</summary>
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");

    /// <summary>Adds the CORS headers for an allowed origin; leaves the answer alone for any other.</summary>
    public void Apply(HttpRequest request, ApiResult result)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || AllowedOrigin(origin) is not { } allowed)
        {
            return;
        }

        result.Headers["Access-Control-Allow-Origin"] = allowed;
        if (allowed != "*")
        {
            result.Headers["Vary"] = "Origin";
        }

        if (IsPreflight(request))
        {
            var requested = request.Headers.AccessControlRequestHeaders.ToString();
            result.Headers["Access-Control-Allow-Methods"] = AllowedMethods;
            result.Headers["Access-Control-Allow-Headers"] = requested.Length > 0 ? requested : DefaultAllowedHeaders;
            result.Headers["Access-Control-Max-Age"] = "600";
        }
        else
        {
            result.Headers["Access-Control-Expose-Headers"] = "Retry-After";
        }
    }

    private string? AllowedOrigin(string origin)
    {
        var configured = options.CurrentValue.AllowedOrigins;
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        foreach (var entry in configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry == "*")
            {
                return "*";
            }

            if (string.Equals(entry.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            {
                return origin;
            }
        }

        return null;
    }
}
