namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>Wall time and the process's CPU time of something measured several times (a start, a first request).</summary>
internal sealed class StartSamples
{
    public LatencySamples Wall { get; } = new();
    public LatencySamples Cpu { get; } = new();

    public void Add(double wallMilliseconds, TimeSpan cpu)
    {
        Wall.Add(wallMilliseconds);
        Cpu.Add(cpu.TotalMilliseconds);
    }
}
