using System.Globalization;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// The benchmark's knobs, from environment variables (defaults: the conditions). <c>BENCHMARK_CLIENTS</c>,
/// <c>BENCHMARK_ROUNDS</c> (per side), <c>BENCHMARK_INTERVIEWS</c> (per round; an interview is create, get_signed_url,
/// end), <c>BENCHMARK_ELEVENLABS_MS</c>, <c>BENCHMARK_FIRESTORE_MS</c>, <c>BENCHMARK_STARTS</c> (per app and host), <c>BENCHMARK_REPEATS</c> (of the load,
/// every side started afresh each time, for the run-to-run spread), and
/// <c>BENCHMARK_VARIANT</c>: space-separated <c>NAME=value</c> environment variables for a third side, the same build
/// started with them (runtime settings such as <c>DOTNET_GCgen0size</c>, measured before they are adopted).
/// </summary>
internal sealed record BenchmarkSettings(
    int Clients, int Rounds, int InterviewsPerRound, TimeSpan ElevenLabsLatency, TimeSpan FirestoreLatency, int Starts, int Repeats, Dictionary<string, string> Variant)
{
    public static BenchmarkSettings FromEnvironment() => new(
        Number("BENCHMARK_CLIENTS", 32),
        Number("BENCHMARK_ROUNDS", 8),
        Number("BENCHMARK_INTERVIEWS", 128),
        TimeSpan.FromMilliseconds(Number("BENCHMARK_ELEVENLABS_MS", 120)),
        TimeSpan.FromMilliseconds(Number("BENCHMARK_FIRESTORE_MS", 25)),
        Number("BENCHMARK_STARTS", 9),
        Number("BENCHMARK_REPEATS", 1),
        (Environment.GetEnvironmentVariable("BENCHMARK_VARIANT") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2)).Where(v => v.Length == 2).ToDictionary(v => v[0], v => v[1], StringComparer.Ordinal));

    public override string ToString() =>
        $"{Clients} clients, {Environment.ProcessorCount} cores, ElevenLabs {ElevenLabsLatency.TotalMilliseconds:F0} ms, " +
        $"Firestore {FirestoreLatency.TotalMilliseconds:F0} ms per call, {Rounds} rounds of {InterviewsPerRound} interviews per side";

    private static int Number(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
