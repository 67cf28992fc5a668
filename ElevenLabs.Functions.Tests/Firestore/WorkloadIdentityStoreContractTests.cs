using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// The store contract with no key at all: the app's Azure managed identity (Azure.Identity against the App Service
/// identity endpoint stand-in), Google STS, IAM credentials, and Firestore accepting only the impersonated token.
/// </summary>
[TestFixture]
[NonParallelizable] // sets IDENTITY_ENDPOINT in the test process while it runs
public sealed class WorkloadIdentityStoreContractTests : FirestoreStoreContract
{
    private WorkloadIdentityRig _rig = null!;
    private ProcessEnvironment _environment = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _rig = await WorkloadIdentityRig.StartAsync();
        _environment = _rig.UseIdentityEndpoint();
        App = await AppHost.StartAsync(_rig.Settings());
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await App.DisposeAsync();
        _environment.Dispose();
        await _rig.DisposeAsync();
    }

    [Test]
    public void EveryDocumentCallCarriedTheImpersonatedTokenAndNoKeyWasUsed()
    {
        var calls = _rig.Firestore.Requests.Where(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal)).ToList();

        Assert.That(calls.Select(c => c.Authorization), Has.All.StartWith("Bearer ya29.wif-"));
        Assert.That(_rig.Firestore.TokenRequests, Is.Zero, "no service-account key grant");
        Assert.That(App.LogText(), Does.Not.Contain(_rig.Identity.Secret));
        foreach (var secret in _rig.Secrets)
        {
            Assert.That(App.LogText(), Does.Not.Contain(secret));
        }
    }
}
