using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// The store contract with no key at all: the app's Azure managed identity (Azure.Identity against the App Service
/// identity endpoint stand-in), Google STS, IAM credentials, and Firestore accepting only the impersonated token.
/// </summary>
[TestFixture]
[NonParallelizable] // the rig sets IDENTITY_ENDPOINT in the test process while it runs
public sealed class WorkloadIdentityStoreContractTests : FirestoreStoreContract<WorkloadIdentityRig>
{
    [Test]
    public async Task EveryDocumentCallCarriesTheImpersonatedTokenAndNoKeyIsUsed()
    {
        await App.PostAsync(new { action = "create_session" });

        var calls = StandIns.Firestore.Requests.Where(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal)).ToList();
        Assert.That(calls, Is.Not.Empty);
        Assert.That(calls.Select(c => c.Authorization), Has.All.StartWith("Bearer ya29.wif-"));
        Assert.That(StandIns.Firestore.TokenRequests, Is.Zero, "no service-account key grant");
        foreach (var secret in StandIns.Secrets)
        {
            Assert.That(App.LogText(), Does.Not.Contain(secret));
        }
    }
}
