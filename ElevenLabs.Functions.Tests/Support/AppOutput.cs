using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The app's own build output (what the Functions host loads), and starting it as a process.</summary>
public static class AppOutput
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary><c>ElevenLabs.Functions/bin/{Configuration}/net10.0</c>, built along with the tests.</summary>
    public static string Directory { get; } = Path.Combine(RepositoryRoot, "ElevenLabs.Functions", "bin",
        typeof(AppOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0");

    public static string Dll => Path.Combine(Directory, "ElevenLabs.Functions.dll");

    /// <summary>Starts <c>dotnet ElevenLabs.Functions.dll</c> with the given arguments and environment; output is collected.</summary>
    public static AppProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        Start(Dll, args, environment);

    /// <summary>Starts <c>dotnet {dll}</c> in the DLL's folder (a published app, say), as <see cref="Start(IEnumerable{string}, IDictionary{string, string}?)"/> does.</summary>
    public static AppProcess Start(string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("ElevenLabs__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new AppProcess(Process.Start(info)!);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ElevenLabs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ElevenLabs.sln not found above " + AppContext.BaseDirectory);
    }
}
