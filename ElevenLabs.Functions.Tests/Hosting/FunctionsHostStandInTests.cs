using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>
/// The stand-in Functions host itself, against the app's real worker: that it does what azure-functions-host and Azure's
/// front end do (routes and methods from the worker's metadata, %Setting% in a timer, the 100 MB refusal, the front end's
/// headers, bodies streamed), so that the tests run through it say something about Azure.
/// </summary>
[TestFixture(Category = AppHost.FunctionsHostCategory)]
public sealed class FunctionsHostStandInTests
{
    private const string Schedule = "0 0 3 * * *";
    private static readonly string Secret = WebhookSigner.NewSecret();
    private ElevenLabsStandIn _elevenLabs = null!;
    private FunctionsHostStandIn _host = null!;
    private HttpClient _raw = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _host = await FunctionsHostStandIn.StartAsync(Settings.For(_elevenLabs, ("Sessions:SweepSchedule", Schedule), ("ElevenLabs:WebhookSecret", Secret)));
        _raw = new HttpClient { BaseAddress = _host.BaseAddress }; // no OpenAPI check: these answers are the host's own
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _raw?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _elevenLabs?.Dispose();
    }

    /// <summary>
    /// A request that meets a worker whose HTTP server is not listening yet is sent again, as the host's
    /// RetryProxyHandler does. Without it, the first requests of a fixture whose worker was slow to start its Kestrel got
    /// the stand-in's 500 (no body) in clean-clone CI runs, which Azure's host never gives for that.
    /// </summary>
    [Test]
    public async Task ARequestTheWorkersServerCannotYetTakeIsSentAgainAsTheHostDoes()
    {
        var port = FreePort();
        var target = new Uri($"http://127.0.0.1:{port}/elevenlabs-conversation");
        using var plain = new HttpMessageInvoker(new SocketsHttpHandler());
        Assert.That(async () => await plain.SendAsync(new HttpRequestMessage(HttpMethod.Get, target), CancellationToken.None),
            Throws.InstanceOf<HttpRequestException>(), "nothing listens yet: one attempt alone fails");

        using var retrying = new HttpMessageInvoker(new WorkerProxyRetryHandler(new SocketsHttpHandler()));
        var sent = retrying.SendAsync(new HttpRequestMessage(HttpMethod.Get, target), CancellationToken.None);
        await Task.Delay(300);
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start(); // the worker's Kestrel, late
        try
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            var stream = accepted.GetStream();
            var buffer = new byte[4096];
            var read = 0;
            while (!System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                read += await stream.ReadAsync(buffer.AsMemory(read));
            }

            await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            using var response = await sent;
            Assert.That((int)response.StatusCode, Is.EqualTo(204), "the retry reached the server once it listened");
        }
        finally
        {
            listener.Stop();
        }
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Test]
    public void TheHostLoadsEveryFunctionOfTheBuildOutputWithItsRouteAndMethods()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.Directory, "functions.metadata")))!.AsArray();

        Assert.That(_host.Functions.Select(f => f.Name), Is.EquivalentTo(metadata.Select(f => f!["name"]!.GetValue<string>())));
        Assert.That(_host.WorkerCapabilities, Does.ContainKey("HttpUri"), "the ASP.NET Core integration's listener");
        var conversation = _host.Functions.Single(f => f.Name == "elevenlabs-conversation");
        Assert.That(conversation.Route, Is.EqualTo("elevenlabs-conversation"), "host.json's routePrefix is empty");
        Assert.That(conversation.Methods, Is.Null, "no methods listed: every method reaches the handler, which answers 405 itself");
        Assert.That(_host.Functions.Single(f => f.Name == "elevenlabs-conversation-ready").Methods, Is.EquivalentTo(new[] { "GET" }));
    }

    [Test]
    public async Task AnUnknownRouteAndAMethodTheBindingDoesNotListAreTheHostsOwn404()
    {
        var forwarded = _host.Forwarded.Count;

        using var unknown = await _raw.GetAsync("/api/elevenlabs-conversation");
        using var wrongMethod = await _raw.PostAsync("/elevenlabs-conversation/ready", new StringContent("{}"));
        using var known = await _raw.GetAsync("/elevenlabs-conversation");

        Assert.That((int)unknown.StatusCode, Is.EqualTo(404));
        Assert.That((int)wrongMethod.StatusCode, Is.EqualTo(404), "the host's routes carry an httpMethod constraint");
        Assert.That((int)known.StatusCode, Is.EqualTo(200), _host.WorkerOutput);
        Assert.That(_host.Forwarded.Count - forwarded, Is.EqualTo(1), "only the known route reached the worker");
    }

    [Test]
    public async Task TheFrontEndAppendsTheConnectionToXForwardedForAndOverwritesClientIp()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/elevenlabs-conversation");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        request.Headers.TryAddWithoutValidation("client-ip", "198.51.100.1:1234");
        request.Headers.TryAddWithoutValidation("X-Client-IP", "198.51.100.1");

        using var response = await _raw.SendAsync(request);
        var sent = _host.Forwarded[^1].Headers;

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(sent["X-Forwarded-For"], Does.Match(@"^203\.0\.113\.7, 127\.0\.0\.1:\d+$"), "the client's value, then the connection's ip:port");
        Assert.That(sent["client-ip"], Does.Match(@"^127\.0\.0\.1:\d+$"), "overwritten: a client cannot spoof it");
        Assert.That(sent["X-Client-IP"], Is.EqualTo("127.0.0.1"));
        Assert.That(sent["x-ms-invocation-id"], Is.EqualTo(_host.Forwarded[^1].InvocationId));
    }

    [Test]
    public async Task TheTimersScheduleIsTheResolvedAppSettingAndTheAdminApiRunsItNow()
    {
        var sweep = _host.Functions.Single(f => f.IsTimer);
        var before = _host.Invocations.Count(i => i.FunctionName == sweep.Name);

        using var response = await _raw.PostAsync($"/admin/functions/{sweep.Name}", new StringContent("{}"));
        for (var i = 0; i < 100 && _host.Invocations.Count(r => r.FunctionName == sweep.Name) == before; i++)
        {
            await Task.Delay(100);
        }

        Assert.That(sweep.Schedule, Is.EqualTo(Schedule), "%Sessions:SweepSchedule% resolved from the app setting Sessions__SweepSchedule");
        Assert.That((int)response.StatusCode, Is.EqualTo(202));
        var run = _host.Invocations.Last(r => r.FunctionName == sweep.Name);
        Assert.That(run.Succeeded, Is.True, run.Exception);
    }

    [Test]
    public void AScheduleSettingThatIsNotSetIsAnErrorAsOnTheHost() =>
        Assert.That(() => HostedFunction.Resolve("%Sessions:SweepSchedule%", _ => null), Throws.InvalidOperationException.With.Message.Contains("Sessions:SweepSchedule"));

    [Test]
    public async Task ABodyOverOneHundredMegabytesIsRefusedWith500WithoutReachingTheWorker()
    {
        var forwarded = _host.Forwarded.Count;

        var answer = await RawSocket.SendAsync(_host.BaseAddress,
            "POST /elevenlabs-webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {FunctionsHostStandIn.DefaultRequestBodySizeLimit + 1}\r\nConnection: close\r\n\r\n{{");

        Assert.That(answer.Status, Is.EqualTo(500));
        Assert.That(_host.Forwarded.Count, Is.EqualTo(forwarded), "the worker never sees it");
    }

    [Test]
    public async Task ABodyIsStreamedThroughTheHostNotHeldInItsMemory()
    {
        const long size = 40_000_000;
        await SendAsync(1_000_000); // the path warm
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        var status = await SendAsync(size);

        var growth = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        TestContext.Progress.WriteLine($"FUNCTIONS HOST stand-in: {size / 1_000_000} MB forwarded with {growth / 1024} KiB allocated in the test process");
        Assert.That(status, Is.EqualTo(200), "signed: the worker read it whole\n" + string.Join("\n", _host.Logs.TakeLast(5)));
        Assert.That(growth, Is.LessThan(size / 4), "bytes: the host forwards the body as it arrives");
    }

    private async Task<int> SendAsync(long size)
    {
        var id = "conv_" + Guid.NewGuid().ToString("N");
        var signature = await WebhookSigner.HeaderAsync(Secret, DateTimeOffset.UtcNow, new AudioEventStream(id, size));
        var stream = new AudioEventStream(id, size);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new StreamContent(stream, 64 * 1024) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentLength = stream.Length;
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, signature);
        using var response = await _raw.SendAsync(request);
        return (int)response.StatusCode;
    }
}
