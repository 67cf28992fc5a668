using System.Diagnostics;
using System.Globalization;
using System.Text;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// The benchmark (docs/benchmark.md): the published app as its own process against ElevenLabs and Firestore
/// stand-ins that answer after a fixed delay, beside the limit (the same client making only the dependency calls
/// each action cannot avoid), rounds interleaved. With <c>BENCHMARK_BASELINE</c> (a git ref) the app built from that
/// ref runs too, in the same rounds, so a change is measured against its baseline under the same machine load.
/// It prints tables and asserts only that every answer was right: never a time. Explicit, so the default test run
/// leaves it out; run it with docs/benchmark.md's command.
/// </summary>
[TestFixture]
[Category("Benchmark")]
[Explicit("A benchmark: minutes long and meaningful only on a quiet machine; run it with the command in docs/benchmark.md")]
public sealed class BenchmarkTests
{
    private readonly BenchmarkSettings _settings = BenchmarkSettings.FromEnvironment();
    private readonly List<(string Label, string Dll, Dictionary<string, string> Environment)> _apps = [];
    private string _work = null!;
    private string _bareDll = null!;
    private FirestoreRig _rig = null!;

    [OneTimeSetUp]
    public async Task PublishAndStartStandInsAsync()
    {
        _work = Directory.CreateTempSubdirectory("elevenlabs-benchmark-").FullName;
        var clock = Stopwatch.StartNew();
        // The app as deployed (infra/deploy.sh publishes the same way), and the bare app, both Release.
        Dotnet(AppOutput.RepositoryRoot, "publish", "ElevenLabs.Functions", "-c", "Release", "-o", Path.Combine(_work, "app"));
        _apps.Add(("app", Path.Combine(_work, "app", "ElevenLabs.Functions.dll"), []));
        if (_settings.Variant.Count > 0)
        {
            // The same build with runtime settings added (DOTNET_GCgen0size=..., say): a setting is measured before it is adopted.
            _apps.Add(($"app + {string.Join(' ', _settings.Variant.Select(v => $"{v.Key}={v.Value}"))}", _apps[0].Dll, _settings.Variant));
        }

        if (Environment.GetEnvironmentVariable("BENCHMARK_BASELINE") is { Length: > 0 } baseline)
        {
            // The same project at another commit, exported from git and published the same way.
            var source = Directory.CreateDirectory(Path.Combine(_work, "baseline-source")).FullName;
            Run("bash", AppOutput.RepositoryRoot, "-c", $"git archive \"$0\" | tar -x -C \"$1\"", baseline, source);
            Dotnet(source, "publish", "ElevenLabs.Functions", "-c", "Release", "-o", Path.Combine(_work, "baseline"));
            _apps.Add(($"baseline {baseline}", Path.Combine(_work, "baseline", "ElevenLabs.Functions.dll"), []));
        }

        Dotnet(AppOutput.RepositoryRoot, "build", Path.Combine("ElevenLabs.Functions.Tests", "Benchmark", "BareApp", "BareApp.csproj"),
            "-c", "Release", "-o", Path.Combine(_work, "bare"));
        _bareDll = Path.Combine(_work, "bare", "BareApp.dll");
        Print($"Published {string.Join(" and ", _apps.Select(a => a.Label))} and built the bare app in {clock.Elapsed.TotalSeconds:F0} s, into {_work}");

        _rig = await FirestoreRig.StartAsync();
        _rig.ElevenLabs.Latency = _settings.ElevenLabsLatency;
        _rig.ElevenLabs.Reset();
        _rig.Firestore.Latency = _settings.FirestoreLatency;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }

        if (_work is not null)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Test]
    public async Task StartUpBesideABareAspNetCoreApp()
    {
        var load = ProcessCounters.LoadAverage();
        await using var insights = await ApplicationInsightsStandIn.StartAsync();
        var bare = new StartSamples();
        await WarmStandInsAsync(insights);
        var apps = _apps.Select(a => (a.Label, a.Dll, a.Environment, Start: new StartSamples(), FirstCreate: new StartSamples(), WarmCreate: new StartSamples(), Rss: new LatencySamples())).ToList();
        for (var i = 0; i < _settings.Starts; i++)
        {
            // Alternating, so a change in the machine's load falls on all alike.
            var (bareProcess, bareMs) = await StartAsync(_bareDll, []);
            using (bareProcess)
            {
                bare.Add(bareMs, ProcessCounters.Cpu(bareProcess.Process.Id));
            }

            foreach (var app in i % 2 == 0 ? apps : Enumerable.Reverse(apps))
            {
                var (appProcess, appMs) = await StartAsync(app.Dll, AppEnvironment(insights.ConnectionString, app.Environment)); // as in Azure: reporting
                using (appProcess)
                {
                    var pid = appProcess.Process.Id;
                    app.Start.Add(appMs, ProcessCounters.Cpu(pid));
                    app.Rss.Add(ProcessCounters.ResidentMiB(pid));
                    using var http = Client(appProcess);
                    var client = new AppInterviewClient(http);
                    var cpu = ProcessCounters.Cpu(pid);
                    var ms = await TimedAsync(() => client.CreateSessionAsync(0));
                    app.FirstCreate.Add(ms, ProcessCounters.Cpu(pid) - cpu);
                    for (var n = 1; n <= 30; n++)
                    {
                        cpu = ProcessCounters.Cpu(pid);
                        ms = await TimedAsync(() => client.CreateSessionAsync(n));
                        if (n > 10)
                        {
                            app.WarmCreate.Add(ms, ProcessCounters.Cpu(pid) - cpu);
                        }
                    }
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"START-UP ({_settings.Starts} starts of each, alternating; load average before {load}, after {ProcessCounters.LoadAverage()})");
        report.AppendLine("                                          wall: median    min    max | CPU: median   mean");
        Row("bare ASP.NET Core: start to first healthy", bare);
        foreach (var app in apps)
        {
            Row($"{app.Label}: start to first healthy", app.Start);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"    - bare (medians)                    {app.Start.Wall.Median - bare.Wall.Median,8:F0} ms                |  {app.Start.Cpu.Median - bare.Cpu.Median,7:F0} ms");
            Row($"{app.Label}: first create_session", app.FirstCreate);
            Row($"{app.Label}: warm create_session", app.WarmCreate);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"    first - warm (medians)              {app.FirstCreate.Wall.Median - app.WarmCreate.Wall.Median,8:F0} ms                |  {app.FirstCreate.Cpu.Median - app.WarmCreate.Cpu.Median,7:F0} ms");
            report.AppendLine(CultureInfo.InvariantCulture, $"    resident memory after start         {app.Rss.Median,8:F0} MiB");
        }

        report.AppendLine("  (warm: one at a time, after 10; CPU: the process's user + system time from /proc, 10 ms ticks; on a loaded machine");
        report.AppendLine("  it moves far less than wall time)");
        Print(report.ToString());

        void Row(string name, StartSamples samples) =>
            report.AppendLine(CultureInfo.InvariantCulture,
                $"  {name,-40}{samples.Wall.Median,6:F0} ms {samples.Wall.Percentile(0),6:F0} {samples.Wall.Percentile(100),6:F0} |  {samples.Cpu.Median,7:F0} ms {samples.Cpu.Mean,6:F1}");
    }

    /// <summary>
    /// One untimed start and create_session first: the stand-ins (in this process) answer their first requests slowly
    /// while their own code is compiled, which would otherwise fall on the first app measured (a 500 ms outlier).
    /// </summary>
    private async Task WarmStandInsAsync(ApplicationInsightsStandIn insights)
    {
        var (process, _) = await StartAsync(_apps[0].Dll, AppEnvironment(insights.ConnectionString));
        using (process)
        {
            using var http = Client(process);
            await new AppInterviewClient(http).CreateSessionAsync(-1);
        }
    }

    [Test]
    public async Task ActionsBesideTheirLimitUnderLoad()
    {
        var loadBefore = ProcessCounters.LoadAverage();
        var apps = new List<RunningApp>();
        try
        {
            foreach (var (label, dll, environment) in _apps)
            {
                var insights = await ApplicationInsightsStandIn.StartAsync();
                var (process, _) = await StartAsync(dll, AppEnvironment(insights.ConnectionString, environment));
                apps.Add(new RunningApp(label, process, insights, Client(process)));
            }

            using var elevenLabsHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue });
            using var firestoreHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue });
            var limit = await LimitInterviewClient.StartAsync(_rig, elevenLabsHttp, firestoreHttp);
            var limitSamples = new Samples();
            var limitWall = TimeSpan.Zero;
            var failures = new List<string>();

            // At rest: what each app spends with nothing to do (timers, telemetry modules), over a few seconds.
            var rest = apps.Select(a => ProcessCounters.Cpu(a.Pid)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(5));
            foreach (var (app, before) in apps.Zip(rest))
            {
                app.RestCpu = ProcessCounters.Cpu(app.Pid) - before;
            }

            // Warm-up: one round each, not counted (connections, JIT, token).
            foreach (var app in apps)
            {
                await RoundAsync(app.Client, new Samples(), failures);
            }

            await RoundAsync(limit, new Samples(), failures);

            var cpuBefore = apps.Select(a => ProcessCounters.Cpu(a.Pid)).ToList();
            var sides = apps.Cast<RunningApp?>().Append(null).ToList(); // null: the limit
            for (var round = 0; round < _settings.Rounds; round++)
            {
                // Rotate which side goes first, so none always follows another.
                foreach (var side in sides.Skip(round % sides.Count).Concat(sides.Take(round % sides.Count)))
                {
                    var clock = Stopwatch.StartNew();
                    await RoundAsync(side?.Client ?? (IInterviewClient)limit, side?.Samples ?? limitSamples, failures);
                    if (side is null)
                    {
                        limitWall += clock.Elapsed;
                    }
                    else
                    {
                        side.Wall += clock.Elapsed;
                    }
                }
            }

            // All each app spent while the rounds ran, other sides' rounds included: work a request leaves behind
            // (log lines written, telemetry sent) is the request's cost too.
            foreach (var (app, before) in apps.Zip(cpuBefore))
            {
                app.Cpu = ProcessCounters.Cpu(app.Pid) - before;
                app.PeakMiB = ProcessCounters.PeakResidentMiB(app.Pid);
                app.ResidentNow = ProcessCounters.ResidentBreakdown(app.Pid);
            }

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"LOAD ({_settings}; load average before {loadBefore}, after {ProcessCounters.LoadAverage()})");
            foreach (var app in apps)
            {
                var requests = app.Samples.Requests;
                report.AppendLine(CultureInfo.InvariantCulture, $"  {app.Label}");
                report.AppendLine("  ms               n   app p50    p95    p99 | limit p50  p95    p99 | overhead p50  p95    p99 | ratio p50  p95   p99");
                foreach (var (action, a, l) in app.Samples.Actions.Zip(limitSamples.Actions, (a, l) => (a.Name, a.Samples, l.Samples)))
                {
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"  {action,-15}{a.Count,5} {a.Percentile(50),7:F1}{a.Percentile(95),7:F1}{a.Percentile(99),7:F1} |{l.Percentile(50),8:F1}{l.Percentile(95),7:F1}{l.Percentile(99),7:F1} |" +
                        $"{a.Percentile(50) - l.Percentile(50),10:F1}{a.Percentile(95) - l.Percentile(95),7:F1}{a.Percentile(99) - l.Percentile(99),7:F1} |" +
                        $"{a.Percentile(50) / l.Percentile(50),8:F3}{a.Percentile(95) / l.Percentile(95),6:F3}{a.Percentile(99) / l.Percentile(99),6:F3}");
                }

                report.AppendLine(CultureInfo.InvariantCulture,
                    $"  throughput: app {requests / app.Wall.TotalSeconds:F0} req/s, limit {limitSamples.Requests / limitWall.TotalSeconds:F0} req/s");
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"  CPU per request: {app.Cpu.TotalMilliseconds / requests:F2} ms ({app.Cpu.TotalSeconds:F2} s from /proc/{app.Pid}/stat over all rounds, / {requests} requests); " +
                    $"at rest before the load: {app.RestCpu.TotalMilliseconds / 5:F1} ms per second");
                report.AppendLine(CultureInfo.InvariantCulture, $"  peak resident memory (VmHWM): {app.PeakMiB:F0} MiB; after the rounds: {app.ResidentNow}");
                report.Append(await TelemetryAsync(app.Insights, app.Client.Requests + 1)); // + the health probe
            }

            Print(report.ToString());
            Assert.That(failures, Is.Empty, string.Join("\n", apps.Select(a => a.Process.Output)));
            Assert.That(apps.Select(a => a.Samples.Requests), Has.All.EqualTo(_settings.Rounds * _settings.InterviewsPerRound * 3));
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    private async Task RoundAsync(IInterviewClient client, Samples samples, List<string> failures)
    {
        var next = -1;
        var workers = Enumerable.Range(0, _settings.Clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var n && n < _settings.InterviewsPerRound)
            {
                try
                {
                    var id = await TimedAsync(() => client.CreateSessionAsync(n), samples.CreateSession);
                    await TimedAsync(async () => { await client.GetSignedUrlAsync(id); return id; }, samples.GetSignedUrl);
                    await TimedAsync(async () => { await client.EndSessionAsync(id); return id; }, samples.EndSession);
                }
                catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
                {
                    lock (failures)
                    {
                        failures.Add(ex.Message);
                    }
                }
            }
        }));
        await Task.WhenAll(workers);
    }

    private static async Task<string> TimedAsync(Func<Task<string>> action, LatencySamples samples)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await action();
        samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private static async Task<double> TimedAsync(Func<Task<string>> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>
    /// Application Insights items as posted to the ingestion stand-in, grouped by operation: per request of each
    /// action (told by its event), and those outside any request. Waits until every request's item arrived (the
    /// channel sends every 30 s).
    /// </summary>
    private static async Task<string> TelemetryAsync(ApplicationInsightsStandIn insights, int requests)
    {
        var deadline = Stopwatch.StartNew();
        while (insights.Items.Count(i => i.BaseType == "RequestData") < requests && deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(500);
        }

        var items = insights.Items.ToList();
        var operations = items.Where(i => i.OperationId is not null).GroupBy(i => i.OperationId!)
            .Where(g => g.Any(i => i.BaseType == "RequestData")).ToList();
        var inRequests = operations.SelectMany(g => g).ToHashSet();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"  Application Insights items per request ({items.Count} items posted to the ingestion stand-in, {operations.Count} of {requests} requests seen; Live Metrics calls {insights.LiveRequests}):");
        foreach (var (action, operation) in new[] { ("create_session", "SessionCreated"), ("get_signed_url", "SignedUrlIssued"), ("end_session", "SessionEnded") })
        {
            var group = operations.Where(g => g.Any(i => i.BaseType == "EventData" && i.Name == operation)).ToList();
            if (group.Count == 0)
            {
                continue;
            }

            var perType = group.SelectMany(g => g).GroupBy(i => i.BaseType).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {(double)g.Count() / group.Count:F2}");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"    {action,-15}{(double)group.Sum(g => g.Count()) / group.Count,6:F2}  ({string.Join(", ", perType)})");
        }

        var details = operations.SelectMany(g => g).Where(i => i.BaseType is "MessageData" or "RemoteDependencyData")
            .GroupBy(i => (i.BaseType, Shape(i.Name))).OrderByDescending(g => g.Count()).Take(12);
        foreach (var detail in details)
        {
            report.AppendLine(CultureInfo.InvariantCulture,
                $"      {(detail.Key.BaseType == "MessageData" ? "trace" : "dependency"),-10} x{detail.Count(),-6} {detail.Key.Item2}");
        }

        var outside = items.Where(i => !inRequests.Contains(i)).GroupBy(i => i.BaseType)
            .Select(g => $"{g.Key} {g.Count()}");
        report.AppendLine(CultureInfo.InvariantCulture, $"    outside requests: {string.Join(", ", outside)}");
        return report.ToString();

        static string Shape(string? message)
        {
            var shape = System.Text.RegularExpressions.Regex.Replace(message ?? "", "conv_[A-Za-z0-9_-]+|:[0-9]{4,5}/", m => m.Value[0] == ':' ? ":port/" : "{id}");
            return shape.Length > 100 ? shape[..100] + "..." : shape;
        }
    }

    private Dictionary<string, string> AppEnvironment(string? connectionString = null, Dictionary<string, string>? extra = null)
    {
        var settings = _rig.Settings();
        settings.Remove("ElevenLabs:RetryBaseDelay"); // production's retry delays: they only matter on a retry
        settings.Remove("Firestore:RetryBaseDelay");
        settings["RateLimit:TrustForwardedFor"] = "true"; // as infra sets it: callers told apart by X-Forwarded-For
        if (connectionString is not null)
        {
            settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = connectionString;
        }

        var environment = settings.Where(s => s.Value is not null)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>Starts <c>dotnet {dll}</c> and times it from the start to its first 200 on the health route.</summary>
    private static async Task<(AppProcess Process, double Milliseconds)> StartAsync(string dll, Dictionary<string, string> environment)
    {
        var port = AppOutput.FreePort();
        var started = Stopwatch.GetTimestamp();
        var process = AppOutput.Start(dll, ["--urls", $"http://127.0.0.1:{port}"], environment);
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            try
            {
                using var response = await probe.GetAsync("/elevenlabs-conversation");
                if (response.IsSuccessStatusCode)
                {
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    process.Process.Refresh();
                    return (process, elapsed);
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.Process.HasExited || Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                var output = process.Output;
                process.Dispose();
                throw new InvalidOperationException($"{Path.GetFileName(dll)} did not answer healthy:\n{output}");
            }

            await Task.Delay(5);
        }
    }

    private static HttpClient Client(AppProcess process)
    {
        var url = process.Process.StartInfo.ArgumentList.SkipWhile(a => a != "--urls").Skip(1).First();
        return new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = new Uri(url) };
    }

    /// <summary>Runs <c>dotnet</c> (build, publish) in a folder, outside the test host's MSBuild environment.</summary>
    private static void Dotnet(string directory, params string[] args) => Run("dotnet", directory, [.. args, "--nologo"]);

    private static void Run(string file, string directory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed:\n{output.Result}\n{errors.Result}");
        }
    }

    private static void Print(string text)
    {
        TestContext.Progress.WriteLine(text);
    }
}
