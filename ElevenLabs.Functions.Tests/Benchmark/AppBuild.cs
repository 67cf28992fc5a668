namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// A build the benchmark starts: a published folder (the app as deployed, which is also what the Functions host loads),
/// the environment it is started with on top of the stand-ins' settings, and its DLL.
/// </summary>
internal sealed record AppBuild(string Label, string Directory, Dictionary<string, string> Environment, string DllName = "ElevenLabs.Functions.dll")
{
    public string Dll => Path.Combine(Directory, DllName);
}
