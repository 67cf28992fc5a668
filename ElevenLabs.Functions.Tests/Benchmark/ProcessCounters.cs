using System.Globalization;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>A process's own counters from /proc (Linux): CPU time spent, resident memory now and at its peak.</summary>
internal static class ProcessCounters
{
    /// <summary>USER_HZ, the unit of utime/stime in /proc/&lt;pid&gt;/stat: 100 on Linux x86-64 and arm64.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU time (fields 14 and 15 of /proc/&lt;pid&gt;/stat).</summary>
    public static TimeSpan Cpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 onwards
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Peak resident memory (VmHWM), MiB.</summary>
    public static double PeakResidentMiB(int pid) => Status(pid, "VmHWM:");

    /// <summary>Resident memory now (VmRSS), MiB.</summary>
    public static double ResidentMiB(int pid) => Status(pid, "VmRSS:");

    /// <summary>Resident memory now by kind: the process's own (anonymous: heaps, stacks, JIT code) and mapped files (assemblies, native libraries).</summary>
    public static string ResidentBreakdown(int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"{Status(pid, "VmRSS:"):F0} MiB = anonymous {Status(pid, "RssAnon:"):F0} + files {Status(pid, "RssFile:"):F0} + shared {Status(pid, "RssShmem:"):F0}");

    /// <summary>The machine's load averages, as /proc/loadavg prints them.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static double Status(int pid, string key) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}
