using Azure.Core;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The token a managed identity would get, counted.</summary>
public sealed class TestTokenCredential : TokenCredential
{
    public int Requests => _requests;
    private int _requests;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        return new AccessToken(KeyVaultStandIn.Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
