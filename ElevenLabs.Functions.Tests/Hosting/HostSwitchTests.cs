using System.Net;
using System.Net.Sockets;
using System.Text;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>
/// The one switch that could break Azure unnoticed: started with the arguments the Functions host gives a
/// worker, the app must dial the host's gRPC endpoint and not start its self-hosted Kestrel (the ASP.NET Core
/// integration's own listener, which the host proxies to, is on loopback only); started alone, it must serve HTTP.
/// </summary>
[TestFixture]
public sealed class HostSwitchTests
{
    private static readonly byte[] Http2Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    [Test]
    public async Task StartedByTheFunctionsHostTheWorkerDialsTheHostAndListensOnlyOnLoopbackForIt()
    {
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();
        var hostPort = ((IPEndPoint)host.LocalEndpoint).Port;
        var selfHostPort = AppOutput.FreePort();
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        // The arguments the host passes (worker.config.json and the host's DefaultWorkerProcessFactory).
        string[] args =
        [
            "--host", "127.0.0.1", "--port", hostPort.ToString(), "--workerId", workerId, "--requestId", requestId,
            "--grpcMaxMessageLength", "2147483647",
            "--functions-uri", $"http://127.0.0.1:{hostPort}/", "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", "2147483647",
        ];

        var defaultPortWasFree = !await AcceptsConnectionsAsync(7071); // a developer may be running the app
        using var worker = AppOutput.Start(args, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{selfHostPort}",
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["Sessions__Store"] = "InMemory",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var connection = await host.AcceptTcpClientAsync(timeout.Token);
        var preface = new byte[Http2Preface.Length];
        await connection.GetStream().ReadExactlyAsync(preface, timeout.Token);

        Assert.That(preface, Is.EqualTo(Http2Preface), "the worker speaks gRPC (HTTP/2) to the host");
        Assert.That(worker.Process.HasExited, Is.False, worker.Output);
        Assert.That(await AcceptsConnectionsAsync(selfHostPort), Is.False, "the self-hosted Kestrel must not start under the Functions host");
        // The ASP.NET Core integration listens on one random port that the host proxies HTTP to: loopback only.
        // It opens once the worker's host has started, a moment after dialing: wait for it (bounded).
        var listening = ListeningSockets(worker.Process.Id);
        for (var i = 0; i < 60 && listening.Count == 0 && !worker.Process.HasExited; i++)
        {
            await Task.Delay(250);
            listening = ListeningSockets(worker.Process.Id);
        }

        TestContext.Progress.WriteLine("Worker listens on: " + string.Join(", ", listening));
        Assert.That(listening.Select(l => l.Loopback), Has.All.True, "nothing listens beyond loopback: " + string.Join(", ", listening));
        Assert.That(listening.Select(l => l.Port), Has.None.EqualTo(selfHostPort).And.None.EqualTo(7071));
        if (defaultPortWasFree)
        {
            Assert.That(await AcceptsConnectionsAsync(7071), Is.False, "nor on the default self-host port");
        }
    }

    [Test]
    public async Task StartedAloneTheAppServesTheRouteOverHttp()
    {
        var port = AppOutput.FreePort();
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string> { ["Sessions__Store"] = "InMemory" });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var response = await RetryUntilUpAsync(() => client.GetAsync("/elevenlabs-conversation"), app);

        Assert.That((int)response.StatusCode, Is.EqualTo(200), app.Output);
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"status\":\"healthy\""));
    }

    [Test]
    public async Task StartedAloneItHonoursAspNetCoreUrls()
    {
        var port = AppOutput.FreePort();
        using var app = AppOutput.Start([], new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["Sessions__Store"] = "InMemory" });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var response = await RetryUntilUpAsync(() => client.GetAsync("/elevenlabs-conversation"), app);

        Assert.That((int)response.StatusCode, Is.EqualTo(200), app.Output);
    }

    [Test]
    public async Task TheReadmeRunCommandStartsTheSelfHostedApp()
    {
        // `dotnet run --project ElevenLabs.Functions`, as README.md says (without rebuilding what the tests built).
        var port = AppOutput.FreePort();
        var configuration = typeof(AppOutput).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppOutput.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "run", "--project", "ElevenLabs.Functions", "--no-build", "-c", configuration, "--", "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }

        using var app = new AppProcess(System.Diagnostics.Process.Start(info)!);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var response = await RetryUntilUpAsync(() => client.GetAsync("/elevenlabs-conversation"), app);

        Assert.That((int)response.StatusCode, Is.EqualTo(200), app.Output);
    }

    private static async Task<HttpResponseMessage> RetryUntilUpAsync(Func<Task<HttpResponseMessage>> call, AppProcess app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !app.Process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>The TCP sockets a process listens on, from /proc (Linux): its socket inodes matched in /proc/net/tcp{,6}.</summary>
    private static List<(int Port, bool Loopback)> ListeningSockets(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd =>
            {
                try
                {
                    return new FileInfo(fd).LinkTarget;
                }
                catch (IOException)
                {
                    return null;
                }
            })
            .Where(target => target?.StartsWith("socket:[", StringComparison.Ordinal) == true)
            .Select(target => target![8..^1])
            .ToHashSet();
        var sockets = new List<(int, bool)>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns[3] != "0A" || !inodes.Contains(columns[9]))
                {
                    continue; // not LISTEN, or not this process's
                }

                var (address, port) = (columns[1].Split(':')[0], Convert.ToInt32(columns[1].Split(':')[1], 16));
                sockets.Add((port, address is "0100007F" or "00000000000000000000000001000000"));
            }
        }

        return sockets;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
