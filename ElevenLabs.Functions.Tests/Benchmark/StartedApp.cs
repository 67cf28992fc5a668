using System.Diagnostics;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>A build answering under one host: where callers reach it, the process that runs its code, and how long it took to answer.</summary>
internal sealed class StartedApp(Uri baseAddress, Process process, Func<string> output, Func<ValueTask> stop) : IAsyncDisposable
{
    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>The app's process self-hosted; the worker process under the Functions host.</summary>
    public int Pid { get; } = process.Id;

    public bool HasExited => process.HasExited;
    public string Output => output();

    /// <summary>From the start to the first healthy answer.</summary>
    public double Milliseconds { get; set; }

    public ValueTask DisposeAsync() => stop();
}
