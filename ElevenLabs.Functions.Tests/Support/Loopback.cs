using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>Servers of the test rig, each on a port of its own on loopback.</summary>
public static class Loopback
{
    /// <summary>The address the started app listens on (it was bound to port 0).</summary>
    public static Uri Address(this WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
