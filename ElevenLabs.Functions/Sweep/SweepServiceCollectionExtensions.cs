using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Sweep;

public static class SweepServiceCollectionExtensions
{
    /// <summary>
    /// Self-hosted only: the sweep on a timer inside the app. Under the Functions host the timer trigger
    /// (<see cref="SweepFunction"/>) runs it instead, and this is not added.
    /// </summary>
    public static IHostApplicationBuilder AddSelfHostedSweep(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<SweepHostedService>();
        return builder;
    }
}
