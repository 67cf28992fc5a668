using Microsoft.IdentityModel.JsonWebTokens;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// What the Azure token says about itself, read (not validated: Google does that) for operator messages: its issuer,
/// audience, subject (the managed identity's object id, which the provider maps to <c>google.subject</c>) and tenant.
/// Never the token itself.
/// </summary>
internal sealed record AzureSubjectToken(string? Issuer, string? Audience, string? Subject, string? TenantId)
{
    private const string Unknown = "(not a JWT)";

    public static AzureSubjectToken Read(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return new AzureSubjectToken(
                jwt.Issuer,
                string.Join(' ', jwt.Audiences),
                jwt.Subject,
                jwt.TryGetPayloadValue<string>("tid", out var tenant) ? tenant : null);
        }
        catch (ArgumentException)
        {
            return new AzureSubjectToken(null, null, null, null);
        }
    }

    /// <summary>The issuer a provider must have for tokens of this tenant (Entra ID v1 tokens, as managed identities get).</summary>
    public string ExpectedIssuer => $"https://sts.windows.net/{TenantId ?? "<tenant id>"}/";

    public string IssuerText => Issuer ?? Unknown;

    public string AudienceText => Audience ?? Unknown;

    public string SubjectText => Subject ?? "<managed identity object id>";
}
