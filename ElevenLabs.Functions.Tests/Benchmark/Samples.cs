namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>One side's latencies, per action.</summary>
internal sealed class Samples
{
    public LatencySamples CreateSession { get; } = new();
    public LatencySamples GetSignedUrl { get; } = new();
    public LatencySamples EndSession { get; } = new();

    public IEnumerable<(string Name, LatencySamples Samples)> Actions =>
        [("create_session", CreateSession), ("get_signed_url", GetSignedUrl), ("end_session", EndSession)];

    public int Requests => CreateSession.Count + GetSignedUrl.Count + EndSession.Count;
}
