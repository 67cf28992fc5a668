using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Google STS's answer to a token exchange (RFC 8693): <c>{access_token, issued_token_type, token_type, expires_in}</c>.</summary>
internal sealed record StsTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("issued_token_type")] string? IssuedTokenType,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn);

/// <summary>An OAuth 2.0 error (RFC 6749 section 5.2), as STS answers a refused exchange: <c>{error, error_description}</c>.</summary>
internal sealed record OAuthErrorResponse(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? Description);

/// <summary>IAM credentials' <c>generateAccessToken</c> request: the scopes and lifetime of the service account's token.</summary>
internal sealed record GenerateAccessTokenRequest(
    [property: JsonPropertyName("scope")] IReadOnlyList<string> Scope,
    [property: JsonPropertyName("lifetime")] string Lifetime);

/// <summary>IAM credentials' <c>generateAccessToken</c> answer: <c>{accessToken, expireTime}</c> (RFC 3339).</summary>
internal sealed record GenerateAccessTokenResponse(
    [property: JsonPropertyName("accessToken")] string? AccessToken,
    [property: JsonPropertyName("expireTime")] DateTimeOffset? ExpireTime);

[JsonSerializable(typeof(StsTokenResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
[JsonSerializable(typeof(GenerateAccessTokenRequest))]
[JsonSerializable(typeof(GenerateAccessTokenResponse))]
internal sealed partial class GoogleTokenJsonContext : JsonSerializerContext;
