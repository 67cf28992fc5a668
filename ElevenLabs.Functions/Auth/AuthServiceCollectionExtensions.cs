using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Caller identification from <c>Auth</c>: with a mode on, a token validator and the HTTP client that fetches the
    /// issuer's discovery document and keys.
    /// </summary>
    public static IHostApplicationBuilder AddCallerAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        builder.Services.AddSingleton<CallerIdentifier>();

        var mode = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.Mode ?? AuthMode.None;
        if (mode is AuthMode.Firebase or AuthMode.Oidc)
        {
            builder.Services.AddSingleton<BearerTokenValidator>();
            builder.Services.AddHttpClient(OpenIdDocumentRetriever.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        }

        return builder;
    }
}
