using System.Diagnostics;
using System.Text.Json;
using ElevenLabs.Functions.Tests.Support.FunctionsRpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The stand-in host's HTTP front end: Azure's front-end headers, the host's routing, and the forwarding to the worker.</summary>
public sealed partial class FunctionsHostStandIn
{
    /// <summary>Request headers that belong to one hop and are not forwarded (as YARP, the host's forwarder, drops them).</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Proxy-Authenticate",
        "Proxy-Authorization", "Host",
    };

    private async Task FrontEndAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/admin/functions", out var rest) && HttpMethods.IsPost(request.Method))
        {
            await AdminInvokeAsync(context, rest.Value!.Trim('/'));
            return;
        }

        // The host's routes carry an httpMethod constraint: a method the binding does not list matches no route (404).
        HostedFunction? function = null;
        var values = new RouteValueDictionary();
        foreach (var candidate in _functions.Where(f => f.IsHttp && f.Allows(request.Method)))
        {
            values.Clear();
            if (candidate.MatchesPath(request.Path, values))
            {
                function = candidate;
                break;
            }
        }

        if (function is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (request.ContentLength > _bodySizeLimit)
        {
            // The host's body-size limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT): its error handling answers 500, the worker never sees it.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        AddFrontEndHeaders(context);
        var invocationId = Guid.NewGuid().ToString();
        var invocation = new InvocationRequest { InvocationId = invocationId, TraceContext = TraceContextOf(request) };
        invocation.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Http = new RpcHttp() } });
        foreach (var (key, value) in values)
        {
            invocation.TriggerMetadata[key] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" };
        }

        invocation.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(request.Query.ToDictionary(q => q.Key, q => q.Value.ToString())) };
        invocation.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString())) };

        using var forwarded = ForwardedRequest(request, invocationId);
        var invoked = InvokeAsync(function, invocation, _stopping.Token);
        HttpResponseMessage response;
        try
        {
            response = await _forwarder.SendAsync(forwarded, context.RequestAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // A body over the limit without a Content-Length ends here too; the host's error handling answers 500.
            _logs.Enqueue(new WorkerLog(Microsoft.Extensions.Logging.LogLevel.Error, "Host.Forwarder", $"Forwarding {request.Method} {request.Path} failed", ex.ToString(), invocationId));
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            _ = invoked.ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (!header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(context.Response.Body, context.RequestAborted); // streamed: one small buffer at a time
        }

        try
        {
            await invoked.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            // the client has its answer; the missing InvocationResponse shows in Invocations
        }
    }

    /// <summary>
    /// Azure's front end: <c>X-Forwarded-For</c> gets the connection's <c>ip:port</c> appended to what the client sent;
    /// <c>client-ip</c> (<c>ip:port</c>) and <c>X-Client-IP</c> (<c>ip</c>) are set, overwriting whatever the client sent.
    /// </summary>
    private static void AddFrontEndHeaders(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress!.MapToIPv4().ToString();
        var endpoint = $"{ip}:{context.Connection.RemotePort}";
        var sent = context.Request.Headers["X-Forwarded-For"].ToString();
        context.Request.Headers["X-Forwarded-For"] = sent.Length == 0 ? endpoint : sent + ", " + endpoint;
        context.Request.Headers["client-ip"] = endpoint;
        context.Request.Headers["X-Client-IP"] = ip;
    }

    /// <summary>The raw request for the worker's <c>HttpUri</c>: same method, path, query, headers and body (streamed, never buffered).</summary>
    private HttpRequestMessage ForwardedRequest(HttpRequest request, string invocationId)
    {
        var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(WorkerHttpUri, request.Path.ToUriComponent() + request.QueryString.ToUriComponent()))
        {
            Version = System.Net.HttpVersion.Version11,
        };
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
        {
            forwarded.Content = new StreamContent(request.Body, 81920);
            forwarded.Content.Headers.ContentLength = request.ContentLength;
        }
        else if (request.ContentLength == 0)
        {
            // An empty body still carries its content headers (Content-Type): the host's proxy forwards them with an empty content.
            forwarded.Content = new ByteArrayContent([]);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (HopByHop.Contains(name) || name.StartsWith(':'))
            {
                continue;
            }

            if (!forwarded.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value) && forwarded.Content is not null
                && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                forwarded.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
            }
        }

        forwarded.Headers.TryAddWithoutValidation("x-ms-invocation-id", invocationId);
        _forwarded.Enqueue(new ForwardedRequest(request.Method, request.Path + request.QueryString, invocationId,
            forwarded.Headers.Concat(forwarded.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase)));
        while (_forwarded.Count > 100 && _forwarded.TryDequeue(out _))
        {
        }

        return forwarded;
    }

    /// <summary>The host's invocation activity: a child of the caller's <c>traceparent</c>, or a new trace.</summary>
    private static RpcTraceContext TraceContextOf(HttpRequest request)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        if (request.Headers.TryGetValue("traceparent", out var parent) && ActivityContext.TryParse(parent, null, out var context))
        {
            traceId = context.TraceId.ToHexString();
        }

        return new RpcTraceContext { TraceParent = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" };
    }

    /// <summary><c>POST /admin/functions/{name}</c>: runs a non-HTTP function now and answers 202, as the host's admin API does.</summary>
    private async Task AdminInvokeAsync(HttpContext context, string name)
    {
        var function = _functions.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (function is null || function.IsHttp)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        _ = InvokeTimerAsync(function, scheduleStatus: null, isPastDue: false, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await Task.CompletedTask;
    }
}
