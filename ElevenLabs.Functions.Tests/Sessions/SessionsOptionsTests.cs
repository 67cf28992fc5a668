using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Tests.Sessions;

/// <summary><c>Sessions:Store</c> read through the app's own registration, without a server.</summary>
[TestFixture]
public sealed class SessionsOptionsTests
{
    [TestCase("Firestore", SessionStoreKind.Firestore)]
    [TestCase("firestore", SessionStoreKind.Firestore)]
    [TestCase("INMEMORY", SessionStoreKind.InMemory)]
    [TestCase("Auto", SessionStoreKind.Auto)]
    [TestCase("", SessionStoreKind.Auto)]
    [TestCase(null, SessionStoreKind.Auto)]
    public void AStoreIsReadByNameIgnoringCase(string? value, SessionStoreKind expected)
    {
        Assert.That(Read(value).Store, Is.EqualTo(expected));
    }

    [TestCase("Mongo")]
    [TestCase("2")]
    [TestCase("In Memory")]
    public void AnythingElseIsOneStartUpMessageNamingTheSetting(string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Read(value));

        Assert.That(failure!.Failures, Is.EqualTo(new[] { "Sessions:Store must be Auto, InMemory or Firestore." }));
    }

    private static SessionsOptions Read(string? store)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sessions:Store"] = store });
        builder.AddSessions();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<SessionsOptions>>().Value;
    }
}
