using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>Servers of the test rig, each on a port of its own on loopback.</summary>
public static class Loopback
{
    /// <summary>A stand-in's web app, not started: bound to a free port of <paramref name="host"/>, logging nothing.</summary>
    public static WebApplication NewApp(string host = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{host}:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>The address the started app listens on (it was bound to port 0).</summary>
    public static Uri Address(this WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
