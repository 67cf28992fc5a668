using ElevenLabs.Functions.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ElevenLabs.Functions.Auth;

/// <summary>
/// Tells who sends a request: with auth on, the subject of its bearer token (or it is refused); with auth off, an
/// anonymous caller known by its address. Runs inside the shared endpoint, since under the Functions worker no
/// ASP.NET Core authentication middleware runs.
/// </summary>
public sealed class CallerIdentifier(
    IOptions<AuthOptions> auth,
    IOptions<RateLimitOptions> limits,
    BearerTokenValidator? tokens = null)
{
    /// <summary>Longer than any ID token; a header beyond it is refused before any parsing.</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <exception cref="UnauthenticatedException">Auth is on and the request has no valid bearer token.</exception>
    /// <exception cref="AuthUnavailableException">Auth is on and the issuer's keys cannot be had.</exception>
    public async Task<Caller> IdentifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!auth.Value.Enabled)
        {
            return Caller.Anonymous(ClientAddress.Of(request.HttpContext, limits.Value.TrustForwardedFor));
        }

        var validator = tokens ?? throw new InvalidOperationException("Auth is on but no token validator is registered.");
        var token = BearerToken(request);
        return Caller.SignedIn(await validator.ValidateAsync(token, cancellationToken));
    }

    private static string BearerToken(HttpRequest request)
    {
        var headers = request.Headers[HeaderNames.Authorization];
        if (headers.Count == 0)
        {
            throw new UnauthenticatedException(tokenPresent: false, "No Authorization header.");
        }

        var value = headers.Count == 1 ? headers[0] ?? "" : "";
        if (headers.Count == 1 && !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // Another scheme (Basic, ...): the client does not know a bearer token is needed.
            throw new UnauthenticatedException(tokenPresent: false, "The Authorization header is not a bearer token.");
        }

        var token = value.Length > 7 ? value[7..].Trim() : "";
        return token.Length is > 0 and <= MaxTokenLength
            ? token
            : throw new UnauthenticatedException(tokenPresent: true, "The bearer token is empty, too long or sent twice.");
    }
}
