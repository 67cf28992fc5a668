using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// One side of the load under test: a build (the app, a baseline, or a bare yardstick) under one host (its own
/// process self-hosted, or the worker process under the stand-in Functions host), its client, its ingestion stand-in,
/// its latencies and the process's counters.
/// </summary>
internal sealed class RunningApp(string build, HostKind host, int pid, IInterviewClient client, ApplicationInsightsStandIn? insights,
    Func<string> output, Func<ValueTask> stop) : IAsyncDisposable
{
    public string Build { get; } = build;
    public HostKind Host { get; } = host;
    public string Label => $"{Build} {HostName(Host)}";
    public int Pid { get; } = pid;
    public ApplicationInsightsStandIn? Insights { get; } = insights;
    public CountingClient Client { get; } = new(client);
    public string Output => output();
    public Samples Samples { get; } = new();
    public TimeSpan Wall { get; set; }
    public TimeSpan Cpu { get; set; }
    public TimeSpan RestCpu { get; set; }
    public double PeakMiB { get; set; }
    public string ResidentNow { get; set; } = "";

    public static string HostName(HostKind host) => host == HostKind.Functions ? "under the host" : "self-hosted";

    public async ValueTask DisposeAsync()
    {
        await stop();
        if (Insights is not null)
        {
            await Insights.DisposeAsync();
        }
    }
}
