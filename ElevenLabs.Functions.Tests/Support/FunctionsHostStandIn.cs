using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ElevenLabs.Functions.Tests.Support.FunctionsRpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RpcException = ElevenLabs.Functions.Tests.Support.FunctionsRpc.RpcException;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// A stand-in for the Azure Functions host (which cannot be installed here), speaking the host's side of the worker
/// protocol to the app's real worker process, as azure-functions-host does:
/// <list type="bullet">
/// <item>a gRPC server (<c>AzureFunctionsRpcMessages.FunctionRpc/EventStream</c>, plaintext HTTP/2 on loopback);</item>
/// <item>the worker started from the build output as the host starts it (<c>dotnet ElevenLabs.Functions.dll</c> with
/// <c>--host/--port/--workerId/--requestId/--grpcMaxMessageLength</c> and the <c>--functions-*</c> forms, the
/// <c>FUNCTIONS_*</c> environment, app settings as environment variables with <c>__</c>);</item>
/// <item>StartStream, WorkerInitRequest/Response (the worker's <c>HttpUri</c>), FunctionsMetadataRequest/Response, one
/// FunctionLoadRequest per function, InvocationRequests, WorkerTerminate on dispose;</item>
/// <item>an HTTP front end on loopback that routes by host.json's <c>routePrefix</c> and each function's route and methods,
/// adds Azure's front-end headers, refuses bodies over <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c> (100 MB) with 500, and
/// forwards the request, streamed both ways, to the worker's <c>HttpUri</c> beside the InvocationRequest of the same id,
/// retrying while the worker's HTTP server cannot be reached (<see cref="WorkerProxyRetryHandler"/>, as the host's);</item>
/// <item>timers scheduled from their NCRONTAB (six fields) after resolving <c>%Setting%</c> from the app settings, and
/// <c>POST /admin/functions/{name}</c> (or <see cref="InvokeAsync"/>) to run one now;</item>
/// <item>the worker's logs (RpcLog) and every invocation's result captured for tests.</item>
/// </list>
/// </summary>
public sealed partial class FunctionsHostStandIn : AppHost
{
    /// <summary>The host's default request body limit (ScriptConstants.DefaultMaxRequestBodySize), 100 MB.</summary>
    public const long DefaultRequestBodySizeLimit = 104_857_600;

    /// <summary>The host version the stand-in reports in WorkerInitRequest.</summary>
    public const string HostVersion = "4.1040.0.0";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly WebApplication _server;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Channel<StreamingMessage> _toWorker = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResult>> _pending = new();
    private readonly ConcurrentQueue<WorkerLog> _logs = new();
    private readonly ConcurrentQueue<InvocationResult> _invocations = new();
    private readonly ConcurrentQueue<ForwardedRequest> _forwarded = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _streamEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpMessageInvoker _forwarder;
    private readonly string _workerId = Guid.NewGuid().ToString();
    private readonly string _routePrefix;
    private readonly long _bodySizeLimit;
    private List<HostedFunction> _functions = [];
    private int _toLoad;
    private AppProcess? _worker;
    private Uri? _httpUri;
    private Task _timers = Task.CompletedTask;

    private FunctionsHostStandIn(WebApplication server, Uri frontEnd, IReadOnlyDictionary<string, string?> settings, string appDirectory)
        : base(frontEnd)
    {
        _server = server;
        _settings = settings;
        AppDirectory = appDirectory;
        _routePrefix = RoutePrefixOf(appDirectory);
        _bodySizeLimit = long.TryParse(Setting("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"), out var limit) ? limit : DefaultRequestBodySizeLimit;
        // The hop to the worker: no proxy, no cookies, no redirects or decompression, nothing buffered; retried as the
        // host retries it while the worker's HTTP server is not reachable.
        _forwarder = new HttpMessageInvoker(new WorkerProxyRetryHandler(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        }));
    }

    public override HostKind Kind => HostKind.Functions;

    /// <summary>The function app's folder: the build output the host loads (host.json, functions.metadata, the DLL).</summary>
    public string AppDirectory { get; }

    /// <summary>The functions the worker reported and the host loaded, with their routes and resolved schedules.</summary>
    public IReadOnlyList<HostedFunction> Functions => _functions;

    /// <summary>The worker's <c>HttpUri</c> capability: the ASP.NET Core integration's own listener.</summary>
    public Uri WorkerHttpUri => _httpUri ?? throw new InvalidOperationException("The worker has not initialized");

    /// <summary>The worker's capabilities from WorkerInitResponse.</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>What the worker sent over the stream as RpcLog, in order.</summary>
    public IReadOnlyList<WorkerLog> Logs => [.. _logs];

    /// <summary>Every InvocationResponse so far, in order of arrival.</summary>
    public IReadOnlyList<InvocationResult> Invocations => [.. _invocations];

    /// <summary>The latest requests the front end forwarded to the worker (at most 100): what the worker was sent.</summary>
    public IReadOnlyList<ForwardedRequest> Forwarded => [.. _forwarded];

    /// <summary>The worker process's console output.</summary>
    public string WorkerOutput => _worker?.Output ?? "";

    /// <summary>The worker process (to read its resources, say).</summary>
    public Process WorkerProcess => _worker?.Process ?? throw new InvalidOperationException("The worker has not started");

    /// <summary>
    /// Starts the host's servers and the worker from <paramref name="appDirectory"/> (default: the app's build output), with
    /// <paramref name="settings"/> as app settings, and returns once every function is loaded.
    /// </summary>
    public static async Task<FunctionsHostStandIn> StartAsync(IDictionary<string, string?> settings, string? appDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = null; // --grpcMaxMessageLength 2147483647
            o.MaxSendMessageSize = null;
        });
        var limit = long.TryParse(settings.TryGetValue("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", out var value) ? value : null, out var l) ? l : DefaultRequestBodySizeLimit;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2); // gRPC: the first address
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1AndHttp2); // the front end
            k.Limits.MaxRequestBodySize = limit;
        });
        builder.Services.AddSingleton<RpcService>();
        var server = builder.Build();
        var rpc = server.Services.GetRequiredService<RpcService>();
        // The front end's port gets the host's HTTP pipeline; the other one, gRPC.
        var frontEndPort = 0;
        server.Use((HttpContext context, RequestDelegate next) =>
            context.Connection.LocalPort == frontEndPort ? rpc.Host.FrontEndAsync(context) : next(context));
        server.MapGrpcService<RpcService>();
        await server.StartAsync();
        var addresses = server.Urls.Select(u => new Uri(u)).ToList();
        frontEndPort = addresses[1].Port;
        var host = new FunctionsHostStandIn(server, addresses[1], settings.AsReadOnly(), appDirectory ?? AppOutput.Directory);
        rpc.Host = host;
        try
        {
            host.StartWorker(addresses[0]);
            await host._loaded.Task.WaitAsync(StartTimeout);
            host._timers = host.RunTimersAsync(host._stopping.Token);
        }
        catch (Exception ex)
        {
            var output = host.WorkerOutput;
            await host.DisposeAsync();
            throw new InvalidOperationException("The worker did not load its functions under the stand-in host:\n" + output, ex);
        }

        return host;
    }

    /// <summary>Runs the function named <paramref name="name"/> now (a non-HTTP function: the timer), as the admin API does, and returns its result.</summary>
    public Task<InvocationResult> InvokeAsync(string name, CancellationToken cancellationToken = default)
    {
        var function = _functions.SingleOrDefault(f => f.Name == name) ?? throw new ArgumentException($"No function named '{name}'", nameof(name));
        if (function.IsHttp)
        {
            throw new ArgumentException($"'{name}' is an HTTP function: call its route", nameof(name));
        }

        return InvokeTimerAsync(function, scheduleStatus: null, isPastDue: false, cancellationToken);
    }

    public override string LogText()
    {
        var text = new StringBuilder();
        foreach (var log in _logs)
        {
            text.AppendLine(log.Message).AppendLine(log.Exception).AppendLine(log.Category);
        }

        return text.ToString();
    }

    public override IReadOnlyList<string> LogMessages(LogLevel atLeast) =>
        [.. _logs.Where(l => l.Level >= atLeast && l.Level != LogLevel.None).Select(l => l.Message)];

    public override IReadOnlyList<LogLine> LogLines() =>
        [.. _logs.Where(l => l.Level != LogLevel.None).Select(l => new LogLine(l.Level, l.Message, string.IsNullOrEmpty(l.Exception) ? null : l.Exception))];

    protected override async ValueTask StopAsync()
    {
        await _stopping.CancelAsync();
        if (_worker is { Process.HasExited: false } worker)
        {
            // WorkerTerminate with a grace period, as the host sends on shutdown; the worker stops and exits.
            _toWorker.Writer.TryWrite(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await worker.Process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                // killed below
            }
        }

        _toWorker.Writer.TryComplete();
        _worker?.Dispose();
        await _timers.ContinueWith(_ => { }, TaskScheduler.Default);
        await _server.StopAsync();
        await _server.DisposeAsync();
        _forwarder.Dispose();
        _stopping.Dispose();
    }

    private string? Setting(string name) =>
        _settings.TryGetValue(name, out var value) ? value
        : _settings.FirstOrDefault(s => SettingName(s.Key) == SettingName(name)).Value;

    /// <summary>App settings arrive as environment variables: <c>Sessions:SweepSchedule</c> is <c>Sessions__SweepSchedule</c>.</summary>
    private static string SettingName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private void StartWorker(Uri grpc)
    {
        var requestId = Guid.NewGuid().ToString();
        // The arguments the host passes (worker.config.json's arguments and the host's worker process factory).
        string[] args =
        [
            "--host", grpc.Host, "--port", grpc.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--workerId", _workerId, "--requestId", requestId, "--grpcMaxMessageLength", "2147483647",
            "--functions-uri", grpc.ToString(), "--functions-worker-id", _workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", "2147483647",
        ];
        var environment = _settings.Where(s => s.Value is not null).ToDictionary(s => SettingName(s.Key), s => s.Value!);
        environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = AppDirectory;
        environment["FUNCTIONS_WORKER_DIRECTORY"] = AppDirectory;
        environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        _worker = AppOutput.Start(Path.Combine(AppDirectory, WorkerPathOf(AppDirectory)), args, environment);
    }

    /// <summary>The worker's DLL as the host finds it: <c>worker.config.json</c>'s <c>description.defaultWorkerPath</c>.</summary>
    private static string WorkerPathOf(string appDirectory)
    {
        var config = Path.Combine(appDirectory, "worker.config.json");
        return File.Exists(config) && JsonNode.Parse(File.ReadAllText(config))?["description"]?["defaultWorkerPath"]?.GetValue<string>() is { Length: > 0 } path
            ? path
            : "ElevenLabs.Functions.dll";
    }

    private static string RoutePrefixOf(string appDirectory)
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(appDirectory, "host.json")));
        return (hostJson?["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api").Trim('/');
    }

    /// <summary>The stream's messages from the worker, in order, each answered as the host answers it.</summary>
    private async Task OnWorkerMessageAsync(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.StartStream:
                var init = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = AppDirectory, FunctionAppDirectory = AppDirectory };
                init.Capabilities.Add("RpcHttpBodyOnly", "true");
                init.Capabilities.Add("RawHttpBodyBytes", "true");
                init.Capabilities.Add("TypedDataCollection", "true");
                init.Capabilities.Add("MultiStream", "true");
                await SendAsync(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), WorkerInitRequest = init });
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                var response = message.WorkerInitResponse;
                if (response.Result?.Status != StatusResult.Types.Status.Success)
                {
                    _loaded.TrySetException(new InvalidOperationException("WorkerInitResponse failed: " + response.Result?.Exception?.Message));
                    break;
                }

                WorkerCapabilities = response.Capabilities.ToDictionary();
                _httpUri = response.Capabilities.TryGetValue("HttpUri", out var uri) ? new Uri(uri) : null;
                await SendAsync(new StreamingMessage
                {
                    RequestId = Guid.NewGuid().ToString(),
                    FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = AppDirectory },
                });
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                await LoadFunctionsAsync(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                if (message.FunctionLoadResponse.Result?.Status != StatusResult.Types.Status.Success)
                {
                    _loaded.TrySetException(new InvalidOperationException($"FunctionLoadResponse for {message.FunctionLoadResponse.FunctionId} failed: "
                        + message.FunctionLoadResponse.Result?.Exception?.Message));
                }
                else if (Interlocked.Decrement(ref _toLoad) == 0)
                {
                    _loaded.TrySetResult();
                }

                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                OnInvocationResponse(message.InvocationResponse);
                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                var log = message.RpcLog;
                _logs.Enqueue(new WorkerLog((LogLevel)(int)log.Level, log.Category, log.Message, ExceptionText(log.Exception), log.InvocationId));
                break;
        }
    }

    private async Task LoadFunctionsAsync(FunctionMetadataResponse metadata)
    {
        if (metadata.Result?.Status != StatusResult.Types.Status.Success)
        {
            _loaded.TrySetException(new InvalidOperationException("FunctionMetadataResponse failed: " + metadata.Result?.Exception?.Message));
            return;
        }

        var functions = new List<HostedFunction>();
        foreach (var function in metadata.FunctionMetadataResults)
        {
            if (string.IsNullOrEmpty(function.FunctionId))
            {
                function.FunctionId = Guid.NewGuid().ToString();
            }

            functions.Add(HostedFunction.From(function, _routePrefix, Setting));
        }

        _functions = functions;
        _toLoad = functions.Count;
        if (functions.Count == 0)
        {
            _loaded.TrySetException(new InvalidOperationException("The worker reported no functions"));
        }

        foreach (var function in metadata.FunctionMetadataResults)
        {
            await SendAsync(new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString(),
                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function },
            });
        }
    }

    private void OnInvocationResponse(InvocationResponse response)
    {
        var failed = response.Result?.Status != StatusResult.Types.Status.Success;
        if (_pending.TryRemove(response.InvocationId, out var pending))
        {
            var result = pending.Task.AsyncState is string name
                ? new InvocationResult(name, response.InvocationId, !failed, failed ? ExceptionText(response.Result?.Exception) : null)
                : null;
            if (result is not null)
            {
                _invocations.Enqueue(result);
                pending.TrySetResult(result);
            }
        }
    }

    private static string? ExceptionText(RpcException? exception) =>
        exception is null ? null : $"{exception.Type}: {exception.Message}\n{exception.StackTrace}";

    private async Task<InvocationResult> InvokeAsync(HostedFunction function, InvocationRequest request, CancellationToken cancellationToken)
    {
        request.FunctionId = function.Id;
        var pending = new TaskCompletionSource<InvocationResult>(function.Name, TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.InvocationId] = pending;
        request.TriggerMetadata["sys"] = new TypedData
        {
            Json = JsonSerializer.Serialize(new { MethodName = function.Name, UtcNow = DateTime.UtcNow.ToString("O"), RandGuid = Guid.NewGuid().ToString() }),
        };
        await SendAsync(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = request });
        using var registration = cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
        return await pending.Task;
    }

    private ValueTask SendAsync(StreamingMessage message) => _toWorker.Writer.WriteAsync(message);

    /// <summary>The host's side of the worker's one stream: reads the worker's messages and writes the host's, one writer at a time.</summary>
    private sealed class RpcService : FunctionRpc.FunctionRpcBase
    {
        public FunctionsHostStandIn Host { get; set; } = null!;

        public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream,
            ServerCallContext context)
        {
            var host = Host;
            var writing = Task.Run(async () =>
            {
                await foreach (var message in host._toWorker.Reader.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(message);
                }
            });
            try
            {
                await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    await host.OnWorkerMessageAsync(message);
                }
            }
            catch (Exception ex)
            {
                // the worker went away, or a message could not be answered
                host._loaded.TrySetException(new InvalidOperationException("The stream ended: " + ex.Message, ex));
            }
            finally
            {
                host._loaded.TrySetException(new InvalidOperationException("The worker closed the stream"));
                host._streamEnded.TrySetResult();
                foreach (var pending in host._pending.Values)
                {
                    pending.TrySetException(new InvalidOperationException("The worker closed the stream"));
                }
            }

            await writing.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
