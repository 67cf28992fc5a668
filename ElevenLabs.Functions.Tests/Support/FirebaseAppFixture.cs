using ElevenLabs.Functions.Store;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// One app (under the host the fixture parameter names) with <c>Auth:Mode=Firebase</c> against a loopback OpenID provider whose key the test generates,
/// on the ElevenLabs stand-in and the in-memory store.
/// </summary>
public abstract class FirebaseAppFixture(HostKind host)
{
    protected FirebaseAppFixture() : this(HostKind.SelfHosted)
    {
    }

    /// <summary>The host this fixture runs the app under.</summary>
    protected HostKind Host => host;

    /// <summary>The Firebase project the app trusts (the tokens' issuer and audience).</summary>
    protected abstract string ProjectId { get; }

    protected OpenIdStandIn Provider { get; private set; } = null!;
    protected ElevenLabsStandIn ElevenLabsApi { get; private set; } = null!;
    protected AppHost App { get; private set; } = null!;

    protected InMemorySessionStore Store => (InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>();

    /// <summary>A valid ID token for <paramref name="subject"/> in this project.</summary>
    protected string Token(string subject) => Provider.Token(subject, ProjectId);

    [OneTimeSetUp]
    public async Task StartFirebaseAppAsync()
    {
        Provider = await OpenIdStandIn.StartFirebaseAsync(ProjectId);
        ElevenLabsApi = new ElevenLabsStandIn();
        App = await AppHost.StartAsync(host, Settings.For(ElevenLabsApi, Settings.Firebase(Provider, ProjectId)));
    }

    [OneTimeTearDown]
    public async Task StopFirebaseAppAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        ElevenLabsApi?.Dispose();
    }
}
