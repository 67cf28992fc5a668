using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Application Insights' ingestion endpoint on loopback, as the SDK's channel posts to it: <c>POST .../track</c>,
/// newline-delimited JSON envelopes (gzip when <c>Content-Encoding</c> says so), answered with the breeze response
/// <c>{"itemsReceived","itemsAccepted","errors":[]}</c>. Also answers Live Metrics' (QuickPulse) ping and post, telling
/// the SDK nobody is watching. Every item received is kept, so a benchmark counts what the app would send.
/// </summary>
public sealed class ApplicationInsightsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _livePings;

    private ApplicationInsightsStandIn(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>A connection string whose ingestion and live endpoints are this stand-in.</summary>
    public string ConnectionString =>
        $"InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint={Url};LiveEndpoint={Url}";

    /// <summary>Every telemetry item received, in arrival order.</summary>
    public ConcurrentQueue<TelemetryItem> Items { get; } = new();

    /// <summary>Live Metrics pings and posts received.</summary>
    public int LiveRequests => _livePings;

    public static async Task<ApplicationInsightsStandIn> StartAsync()
    {
        // Its own loopback address: the SDK does not track calls to its ingestion host as dependencies, and the
        // Firestore and ElevenLabs stand-ins are on 127.0.0.1.
        var standIn = new ApplicationInsightsStandIn(Loopback.NewApp("127.0.0.2"));
        standIn._app.Run(standIn.HandleAsync);
        await standIn._app.StartAsync();
        standIn.Url = standIn._app.Address();
        return standIn;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path.Contains("QuickPulseService.svc", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _livePings);
            context.Response.Headers["x-ms-qps-subscribed"] = "false";
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method) || !path.EndsWith("/track", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var body = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        using var reader = new StreamReader(body);
        var received = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            received++;
            Items.Enqueue(TelemetryItem.Parse(line));
        }

        await Results.Json(new { itemsReceived = received, itemsAccepted = received, errors = Array.Empty<object>() }).ExecuteAsync(context);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
