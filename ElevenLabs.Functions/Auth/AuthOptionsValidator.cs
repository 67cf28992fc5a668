using System.Text.RegularExpressions;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Auth;

/// <summary>One message per wrong <c>Auth</c> setting, each naming it.</summary>
public sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new SettingErrors()
            .Check(Enum.IsDefined(options.Mode), "Auth:Mode must be None, Firebase or Oidc.")
            .Check(Enum.IsDefined(options.LegacySessions), "Auth:LegacySessions must be Deny or Allow.")
            .Check(options.MetadataAddress is null || IsHttpUrl(options.MetadataAddress), "Auth:MetadataAddress must be an absolute http(s) URL.");
        if (options.Mode == AuthMode.Firebase)
        {
            errors.Check(ProjectId().IsMatch(options.Firebase.ProjectId ?? ""),
                "Auth:Firebase:ProjectId must be a Firebase project id (6-30 characters of a-z, 0-9 and '-').");
        }

        if (options.Mode == AuthMode.Oidc)
        {
            errors.Check(options.Oidc.Authority is { } authority && IsHttpUrl(authority), "Auth:Oidc:Authority must be an absolute http(s) URL.")
                .NotEmpty("Auth:Oidc:Audience", options.Oidc.Audience);
        }

        if (options.Enabled && options.RequireHttpsMetadata && options.MetadataAddress is { Scheme: not "https" })
        {
            errors.Add("Auth:MetadataAddress must be https unless Auth:RequireHttpsMetadata is false.");
        }

        return errors.Result;
    }

    private static bool IsHttpUrl(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex(@"^[a-z][a-z0-9-]{4,28}[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectId();
}
