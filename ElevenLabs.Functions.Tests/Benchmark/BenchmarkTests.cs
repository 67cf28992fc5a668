using System.Diagnostics;
using System.Globalization;
using System.Text;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// The benchmark (docs/benchmark.md): the published app against ElevenLabs and Firestore stand-ins that answer after a
/// fixed delay, under both hosts (its own process self-hosted on Kestrel, and the worker process under the stand-in
/// Azure Functions host, as in production), beside the limit (the same client making only the dependency calls each
/// action cannot avoid) and a bare forwarded hop (a bare ASP.NET Core app beside a bare worker under the same stand-in
/// host), rounds interleaved. With <c>BENCHMARK_BASELINE</c> (a git ref, or a published app's folder) that build runs
/// too, in the same rounds, so a change is measured against its baseline under the same machine load; with
/// <c>BENCHMARK_REPEATS</c> every side is started afresh and measured again, and the summary gives each figure's
/// spread over the repeats. It prints tables and asserts only that every answer was right: never a time. Explicit,
/// so the default test run leaves it out; run it with docs/benchmark.md's command.
/// </summary>
[TestFixture]
[Category("Benchmark")]
[Explicit("A benchmark: minutes long and meaningful only on a quiet machine; run it with the command in docs/benchmark.md")]
public sealed class BenchmarkTests
{
    private static readonly HostKind[] Hosts = [HostKind.SelfHosted, HostKind.Functions];
    private readonly BenchmarkSettings _settings = BenchmarkSettings.FromEnvironment();
    private readonly List<AppBuild> _apps = [];
    private string _work = null!;
    private AppBuild _bare = null!;
    private AppBuild _bareWorker = null!;
    private FirestoreRig _rig = null!;

    [OneTimeSetUp]
    public async Task PublishAndStartStandInsAsync()
    {
        _work = Directory.CreateTempSubdirectory("elevenlabs-benchmark-").FullName;
        var clock = Stopwatch.StartNew();
        // The app as deployed (infra/deploy.sh publishes the same way; the output is also what the Functions host loads),
        // or BENCHMARK_APP: a folder it was published to before (repeat invocations need not publish again).
        if (Environment.GetEnvironmentVariable("BENCHMARK_APP") is { Length: > 0 } published)
        {
            _apps.Add(new AppBuild("app", published, []));
        }
        else
        {
            Dotnet(AppOutput.RepositoryRoot, "publish", "ElevenLabs.Functions", "-c", "Release", "-o", Path.Combine(_work, "app"));
            _apps.Add(new AppBuild("app", Path.Combine(_work, "app"), []));
        }
        if (_settings.Variant.Count > 0)
        {
            // The same build with runtime settings added (DOTNET_GCgen0size=..., say): a setting is measured before it is adopted.
            _apps.Add(new AppBuild($"app + {string.Join(' ', _settings.Variant.Select(v => $"{v.Key}={v.Value}"))}", _apps[0].Directory, _settings.Variant));
        }

        if (Environment.GetEnvironmentVariable("BENCHMARK_BASELINE") is { Length: > 0 } baseline)
        {
            if (File.Exists(Path.Combine(baseline, "ElevenLabs.Functions.dll")))
            {
                // A published app's folder (built elsewhere, from another commit): measured as it is.
                _apps.Add(new AppBuild($"baseline {Path.GetFileName(Path.TrimEndingDirectorySeparator(baseline))}", baseline, []));
            }
            else
            {
                // The same project at another commit, exported from git (outside the repository) and published the same way.
                var source = Directory.CreateDirectory(Path.Combine(_work, "baseline-source")).FullName;
                Run("bash", AppOutput.RepositoryRoot, "-c", "git archive \"$0\" | tar -x -C \"$1\"", baseline, source);
                Dotnet(source, "publish", "ElevenLabs.Functions", "-c", "Release", "-o", Path.Combine(_work, "baseline"));
                _apps.Add(new AppBuild($"baseline {baseline}", Path.Combine(_work, "baseline"), []));
            }
        }

        Dotnet(AppOutput.RepositoryRoot, "build", Path.Combine("ElevenLabs.Functions.Tests", "Benchmark", "BareApp", "BareApp.csproj"),
            "-c", "Release", "-o", Path.Combine(_work, "bare"));
        _bare = new AppBuild("bare", Path.Combine(_work, "bare"), [], "BareApp.dll");
        Dotnet(AppOutput.RepositoryRoot, "build", Path.Combine("ElevenLabs.Functions.Tests", "Benchmark", "BareWorker", "BareWorker.csproj"),
            "-c", "Release", "-o", Path.Combine(_work, "bare-worker"));
        _bareWorker = new AppBuild("bare", Path.Combine(_work, "bare-worker"), [], "BareWorker.dll");
        Print($"Published {string.Join(" and ", _apps.Select(a => a.Label))} and built the bare app and the bare worker in {clock.Elapsed.TotalSeconds:F0} s, into {_work}");

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
        await WarmStandInsAsync(insights);
        var bare = Hosts.ToDictionary(h => h, _ => new StartSamples());
        var apps = _apps.SelectMany(a => Hosts.Select(h => (App: a, Host: h, Start: new StartSamples(), FirstCreate: new StartSamples(), WarmCreate: new StartSamples(), Rss: new LatencySamples()))).ToList();
        for (var i = 0; i < _settings.Starts; i++)
        {
            // Alternating, so a change in the machine's load falls on all alike.
            foreach (var host in Hosts)
            {
                await using var bareStarted = await StartAsync(host == HostKind.Functions ? _bareWorker : _bare, host, []);
                bare[host].Add(bareStarted.Milliseconds, ProcessCounters.Cpu(bareStarted.Pid));
            }

            foreach (var app in i % 2 == 0 ? apps : Enumerable.Reverse(apps))
            {
                await using var started = await StartAsync(app.App, app.Host, AppEnvironment(insights.ConnectionString, app.App.Environment)); // as in Azure: reporting
                var pid = started.Pid;
                app.Start.Add(started.Milliseconds, ProcessCounters.Cpu(pid));
                app.Rss.Add(ProcessCounters.ResidentMiB(pid));
                using var callers = new LoopbackCallers(started.BaseAddress);
                var client = new AppInterviewClient(callers);
                var cpu = ProcessCounters.Cpu(pid);
                var ms = await TimedAsync(() => client.CreateOnlyAsync(0));
                app.FirstCreate.Add(ms, ProcessCounters.Cpu(pid) - cpu);
                for (var n = 1; n <= 30; n++)
                {
                    cpu = ProcessCounters.Cpu(pid);
                    ms = await TimedAsync(() => client.CreateOnlyAsync(n));
                    if (n > 10)
                    {
                        app.WarmCreate.Add(ms, ProcessCounters.Cpu(pid) - cpu);
                    }
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"START-UP ({_settings.Starts} starts of each, alternating; load average before {load}, after {ProcessCounters.LoadAverage()})");
        report.AppendLine("  Self-hosted: process start to the first healthy GET. Under the stand-in host: from starting the host (its servers, then");
        report.AppendLine("  the worker process) to the first answered invocation (the same GET through the host's front end).");
        report.AppendLine("                                                          wall: median    min    max | CPU: median   mean");
        foreach (var host in Hosts)
        {
            Row($"bare {RunningApp.HostName(host)}: start to first answer", bare[host]);
        }

        foreach (var app in apps)
        {
            var label = $"{app.App.Label} {RunningApp.HostName(app.Host)}";
            Row($"{label}: start to first answer", app.Start);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"    - bare {RunningApp.HostName(app.Host),-15} (medians)                {app.Start.Wall.Median - bare[app.Host].Wall.Median,8:F0} ms                |  {app.Start.Cpu.Median - bare[app.Host].Cpu.Median,7:F0} ms");
            Row($"{label}: first create_session", app.FirstCreate);
            Row($"{label}: warm create_session", app.WarmCreate);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"    first - warm (medians)                              {app.FirstCreate.Wall.Median - app.WarmCreate.Wall.Median,8:F0} ms                |  {app.FirstCreate.Cpu.Median - app.WarmCreate.Cpu.Median,7:F0} ms");
            report.AppendLine(CultureInfo.InvariantCulture, $"    resident memory after start                         {app.Rss.Median,8:F0} MiB");
        }

        report.AppendLine("  (warm: one at a time, after 10; CPU: the app's or worker's process, user + system time from /proc, 10 ms ticks; the");
        report.AppendLine("  stand-in host runs in the test process and is not counted; on a loaded machine CPU moves far less than wall time)");
        Print(report.ToString());

        void Row(string name, StartSamples samples) =>
            report.AppendLine(CultureInfo.InvariantCulture,
                $"  {name,-56}{samples.Wall.Median,6:F0} ms {samples.Wall.Percentile(0),6:F0} {samples.Wall.Percentile(100),6:F0} |  {samples.Cpu.Median,7:F0} ms {samples.Cpu.Mean,6:F1}");
    }

    /// <summary>
    /// One untimed start and create_session on each host first: the stand-ins and the stand-in host (in this process)
    /// answer their first requests slowly while their own code is compiled, which would otherwise fall on the first app
    /// measured (a 500 ms outlier).
    /// </summary>
    private async Task WarmStandInsAsync(ApplicationInsightsStandIn insights)
    {
        foreach (var host in Hosts)
        {
            await using var started = await StartAsync(_apps[0], host, AppEnvironment(insights.ConnectionString));
            using var callers = new LoopbackCallers(started.BaseAddress);
            await new AppInterviewClient(callers).CreateOnlyAsync(-1);
            await using var bare = await StartAsync(host == HostKind.Functions ? _bareWorker : _bare, host, []);
        }
    }

    [Test]
    public async Task ActionsBesideTheirLimitUnderLoad()
    {
        var figures = new RepeatedFigures();
        var failures = new List<string>();
        for (var repeat = 1; repeat <= _settings.Repeats; repeat++)
        {
            Print(await LoadAsync(repeat, figures, failures));
        }

        Print(figures.Report(_settings.Repeats));
        Assert.That(failures, Is.Empty);
    }

    /// <summary>One repeat: every side started afresh, measured at rest, warmed up, then the rounds, interleaved.</summary>
    private async Task<string> LoadAsync(int repeat, RepeatedFigures figures, List<string> failures)
    {
        var loadBefore = ProcessCounters.LoadAverage();
        var apps = new List<RunningApp>();
        var bares = new List<RunningApp>();
        try
        {
            foreach (var app in _apps)
            {
                foreach (var host in Hosts)
                {
                    var insights = await ApplicationInsightsStandIn.StartAsync();
                    apps.Add(await RunAsync(app, host, AppEnvironment(insights.ConnectionString, app.Environment), insights));
                }
            }

            foreach (var host in Hosts)
            {
                bares.Add(await RunAsync(host == HostKind.Functions ? _bareWorker : _bare, host, [], insights: null));
            }

            using var elevenLabsHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue });
            using var firestoreHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue });
            var limit = await LimitInterviewClient.StartAsync(_rig, elevenLabsHttp, firestoreHttp);
            var limitSamples = new Samples();
            var limitWall = TimeSpan.Zero;
            var processes = apps.Concat(bares).ToList();

            // At rest: what each process spends with nothing to do (timers, telemetry modules), over a few seconds.
            var rest = processes.Select(a => ProcessCounters.Cpu(a.Pid)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(5));
            foreach (var (app, before) in processes.Zip(rest))
            {
                app.RestCpu = ProcessCounters.Cpu(app.Pid) - before;
            }

            // Warm-up: one round each, not counted (connections, JIT, token).
            foreach (var app in processes)
            {
                await RoundAsync(app.Client, new Samples(), failures);
            }

            await RoundAsync(limit, new Samples(), failures);

            var cpuBefore = processes.Select(a => ProcessCounters.Cpu(a.Pid)).ToList();
            var sides = processes.Cast<RunningApp?>().Append(null).ToList(); // null: the limit
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

            // All each process spent while the rounds ran, other sides' rounds included: work a request leaves behind
            // (log lines written, telemetry sent) is the request's cost too.
            foreach (var (app, before) in processes.Zip(cpuBefore))
            {
                app.Cpu = ProcessCounters.Cpu(app.Pid) - before;
                app.PeakMiB = ProcessCounters.PeakResidentMiB(app.Pid);
                app.ResidentNow = ProcessCounters.ResidentBreakdown(app.Pid);
            }

            var telemetry = await Task.WhenAll(apps.Select(a => TelemetryAsync(a.Insights!, a.Client.Requests)));
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"LOAD, repeat {repeat} of {_settings.Repeats} ({_settings}; load average before {loadBefore}, after {ProcessCounters.LoadAverage()})");
            report.AppendLine("  Every interview its own caller on its own connection from its own loopback address. Under the host: the worker");
            report.AppendLine("  process's figures (the stand-in host runs in the test process, as the real host is a process of its own).");
            foreach (var (app, items) in apps.Zip(telemetry))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  {app.Label}");
                report.AppendLine("  ms               n   app p50    p95    p99 | limit p50  p95    p99 | overhead p50  p95    p99 | ratio p50  p95   p99");
                foreach (var (action, a, l) in app.Samples.Actions.Zip(limitSamples.Actions, (a, l) => (a.Name, a.Samples, l.Samples)))
                {
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"  {action,-15}{a.Count,5} {a.Percentile(50),7:F1}{a.Percentile(95),7:F1}{a.Percentile(99),7:F1} |{l.Percentile(50),8:F1}{l.Percentile(95),7:F1}{l.Percentile(99),7:F1} |" +
                        $"{a.Percentile(50) - l.Percentile(50),10:F1}{a.Percentile(95) - l.Percentile(95),7:F1}{a.Percentile(99) - l.Percentile(99),7:F1} |" +
                        $"{a.Percentile(50) / l.Percentile(50),8:F3}{a.Percentile(95) / l.Percentile(95),6:F3}{a.Percentile(99) / l.Percentile(99),6:F3}");
                    figures.Add($"{action} overhead over the limit, p50 ms", app.Label, a.Percentile(50) - l.Percentile(50));
                    figures.Add($"{action} overhead over the limit, p95 ms", app.Label, a.Percentile(95) - l.Percentile(95));
                }

                report.AppendLine(CultureInfo.InvariantCulture,
                    $"  throughput: app {app.Samples.Requests / app.Wall.TotalSeconds:F0} req/s, limit {limitSamples.Requests / limitWall.TotalSeconds:F0} req/s");
                report.Append(Counters(app, figures));
                report.Append(items);
            }

            report.AppendLine("  BARE FORWARDED HOP (a bare ASP.NET Core app self-hosted; a bare worker under the stand-in host; the app's bodies, drained)");
            foreach (var bare in bares)
            {
                var latencies = string.Join(", ", bare.Samples.Actions.Select(a =>
                    string.Create(CultureInfo.InvariantCulture, $"{a.Name} p50 {a.Samples.Percentile(50):F1} p95 {a.Samples.Percentile(95):F1} ms")));
                report.AppendLine($"  {bare.Label}: {latencies}");
                report.Append(Counters(bare, figures));
            }

            // Under the host minus self-hosted, per build, beside the same difference for the bare pair: the hop's own cost.
            report.AppendLine("  UNDER THE HOST - SELF-HOSTED, ms       create p50    p95 | get_signed_url p50  p95 | end p50    p95");
            foreach (var build in apps.Select(a => a.Build).Distinct().Append("bare"))
            {
                var pair = apps.Concat(bares).Where(a => a.Build == build).ToList();
                var self = pair.Single(a => a.Host == HostKind.SelfHosted);
                var worker = pair.Single(a => a.Host == HostKind.Functions);
                var cells = new StringBuilder();
                foreach (var ((action, w), (_, s)) in worker.Samples.Actions.Zip(self.Samples.Actions))
                {
                    var p50 = w.Percentile(50) - s.Percentile(50);
                    var p95 = w.Percentile(95) - s.Percentile(95);
                    cells.Append(CultureInfo.InvariantCulture, $"{p50,12:F1}{p95,7:F1} |");
                    figures.Add($"{action} under the host - self-hosted, p50 ms", build == "bare" ? "bare (the forwarded hop itself)" : build, p50);
                    figures.Add($"{action} under the host - self-hosted, p95 ms", build == "bare" ? "bare (the forwarded hop itself)" : build, p95);
                }

                report.AppendLine(CultureInfo.InvariantCulture, $"  {(build == "bare" ? "bare: the forwarded hop itself" : build),-38}{cells.ToString().TrimEnd('|')}");
            }

            Assert.That(apps.Concat(bares).Select(a => a.Samples.Requests), Has.All.EqualTo(_settings.Rounds * _settings.InterviewsPerRound * 3),
                string.Join("\n", failures.Take(20).Concat(apps.Select(a => a.Output))));
            return report.ToString();
        }
        finally
        {
            foreach (var app in apps.Concat(bares))
            {
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>A process's CPU per request, at rest and its memory, printed and kept as figures.</summary>
    private static string Counters(RunningApp app, RepeatedFigures figures)
    {
        var requests = app.Samples.Requests;
        var perRequest = app.Cpu.TotalMilliseconds / requests;
        figures.Add("CPU per request, ms (the app's or worker's process)", app.Label, perRequest);
        figures.Add("CPU at rest, ms per second", app.Label, app.RestCpu.TotalMilliseconds / 5);
        figures.Add("peak resident memory (VmHWM), MiB", app.Label, app.PeakMiB);
        foreach (var (action, samples) in app.Samples.Actions)
        {
            figures.Add($"{action} p50 ms", app.Label, samples.Percentile(50));
            figures.Add($"{action} p95 ms", app.Label, samples.Percentile(95));
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"  CPU per request: {perRequest:F2} ms ({app.Cpu.TotalSeconds:F2} s from /proc/{app.Pid}/stat over all rounds, / {requests} requests); " +
            $"at rest before the load: {app.RestCpu.TotalMilliseconds / 5:F1} ms per second\n" +
            $"  peak resident memory (VmHWM): {app.PeakMiB:F0} MiB; after the rounds: {app.ResidentNow}\n");
    }

    /// <summary>Starts a build under a host for the load: its process, its answer to the health GET, its callers' client.</summary>
    private static async Task<RunningApp> RunAsync(AppBuild app, HostKind host, Dictionary<string, string> environment, ApplicationInsightsStandIn? insights)
    {
        var started = await StartAsync(app, host, environment);
        var callers = new LoopbackCallers(started.BaseAddress);
        IInterviewClient client = app.Label == "bare" ? new BareInterviewClient(callers) : new AppInterviewClient(callers);
        return new RunningApp(app.Label, host, started.Pid, client, insights, () => started.Output, async () =>
        {
            callers.Dispose();
            await started.DisposeAsync();
        });
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
    /// action (told by its event: every successful action sends one), and those outside any request. Waits until every
    /// request's event arrived (the channel sends every 30 s). Self-hosted a request also has its RequestData; under the
    /// Functions host the request item is the host's, not the worker's.
    /// </summary>
    private static async Task<string> TelemetryAsync(ApplicationInsightsStandIn insights, int requests)
    {
        string[] events = ["SessionCreated", "SignedUrlIssued", "SessionEnded"];
        var deadline = Stopwatch.StartNew();
        while (insights.Items.Count(i => i.BaseType == "EventData" && events.Contains(i.Name)) < requests && deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(500);
        }

        var items = insights.Items.ToList();
        var operations = items.Where(i => i.OperationId is not null).GroupBy(i => i.OperationId!)
            .Where(g => g.Any(i => i.BaseType == "RequestData" || (i.BaseType == "EventData" && events.Contains(i.Name)))).ToList();
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
        var exceptions = items.Where(i => i.BaseType == "ExceptionData").GroupBy(ExceptionShape).OrderByDescending(g => g.Count()).Take(5);
        foreach (var exception in exceptions)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"      exception  x{exception.Count(),-6} {exception.Key}");
        }
        return report.ToString();

        static string ExceptionShape(TelemetryItem item)
        {
            using var document = System.Text.Json.JsonDocument.Parse(item.Json);
            var data = document.RootElement.GetProperty("data").GetProperty("baseData");
            var first = data.TryGetProperty("exceptions", out var list) && list.GetArrayLength() > 0 ? list[0] : default;
            var type = first.ValueKind == System.Text.Json.JsonValueKind.Object && first.TryGetProperty("typeName", out var t) ? t.GetString() : "?";
            var message = first.ValueKind == System.Text.Json.JsonValueKind.Object && first.TryGetProperty("message", out var m) ? m.GetString() : "";
            return Shape($"{type}: {message}");
        }

        static string Shape(string? message)
        {
            var shape = System.Text.RegularExpressions.Regex.Replace(message ?? "", "conv_[A-Za-z0-9_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|:[0-9]{4,5}/",
                m => m.Value[0] == ':' ? ":port/" : "{id}");
            return shape.Length > 100 ? shape[..100] + "..." : shape;
        }
    }

    private Dictionary<string, string> AppEnvironment(string? connectionString = null, Dictionary<string, string>? extra = null)
    {
        var settings = _rig.Settings();
        settings.Remove("ElevenLabs:RetryBaseDelay"); // production's retry delays: they only matter on a retry
        settings.Remove("Firestore:RetryBaseDelay");
        settings["RateLimit:TrustForwardedFor"] = "true"; // as infra sets it (callers are told apart by their connections all the same)
        settings["Sessions:SweepSchedule"] = "0 */15 * * * *"; // infra's default: the host resolves the sweep's %Sessions:SweepSchedule%
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

    /// <summary>
    /// Starts a build under a host and times it to its first 200 on the health route: self-hosted, <c>dotnet {dll}</c>
    /// from its start; under the stand-in Functions host, from starting the host (its servers in this process, then the
    /// worker process as the host starts it) to the first answered invocation through the host's front end.
    /// </summary>
    private static async Task<StartedApp> StartAsync(AppBuild app, HostKind host, Dictionary<string, string> environment)
    {
        var started = Stopwatch.GetTimestamp();
        StartedApp running;
        if (host == HostKind.Functions)
        {
            var functionsHost = await FunctionsHostStandIn.StartAsync(environment.ToDictionary(e => e.Key, e => (string?)e.Value), app.Directory);
            running = new StartedApp(functionsHost.BaseAddress, functionsHost.WorkerProcess, () => functionsHost.WorkerOutput, functionsHost.DisposeAsync);
        }
        else
        {
            var port = AppOutput.FreePort();
            var process = AppOutput.Start(app.Dll, ["--urls", $"http://127.0.0.1:{port}"], environment);
            running = new StartedApp(new Uri($"http://127.0.0.1:{port}"), process.Process, () => process.Output, () =>
            {
                process.Dispose();
                return ValueTask.CompletedTask;
            });
        }

        using var probe = new HttpClient { BaseAddress = running.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            try
            {
                using var response = await probe.GetAsync("/elevenlabs-conversation");
                if (response.IsSuccessStatusCode)
                {
                    running.Milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    return running;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (running.HasExited || Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                var output = running.Output;
                await running.DisposeAsync();
                throw new InvalidOperationException($"{app.Label} {RunningApp.HostName(host)} did not answer healthy:\n{output}");
            }

            await Task.Delay(5);
        }
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
