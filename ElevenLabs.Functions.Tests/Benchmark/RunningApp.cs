using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>One app process under load: its client, its ingestion stand-in, its latencies and counters.</summary>
internal sealed class RunningApp(string label, AppProcess process, ApplicationInsightsStandIn insights, HttpClient http) : IAsyncDisposable
{
    public string Label { get; } = label;
    public AppProcess Process { get; } = process;
    public int Pid { get; } = process.Process.Id;
    public ApplicationInsightsStandIn Insights { get; } = insights;
    public CountingClient Client { get; } = new(new AppInterviewClient(http));
    public Samples Samples { get; } = new();
    public TimeSpan Wall { get; set; }
    public TimeSpan Cpu { get; set; }
    public TimeSpan RestCpu { get; set; }
    public double PeakMiB { get; set; }
    public string ResidentNow { get; set; } = "";

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        Process.Dispose();
        await Insights.DisposeAsync();
    }
}
