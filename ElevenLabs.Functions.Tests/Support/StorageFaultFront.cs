using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// A loopback front for Azurite's Blob service (plain http): every request is forwarded to Azurite as it is (YARP's
/// direct forwarder: method, path, query and the shared-key headers untouched, so Azurite checks the signature it was
/// sent), except those <see cref="FailWhere"/> picks while it is set, which get Azure Storage's own error answer
/// instead: the status, <c>x-ms-error-code</c> and the XML <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;</c>
/// body, as the Storage REST API documents them. What a Blob Storage outage (503 ServerBusy) or refusal (403
/// AuthorizationPermissionMismatch, the identity without its role) looks like to the app, met midway through its work.
/// </summary>
public sealed class StorageFaultFront : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Azurite _azurite;
    private volatile Fault? _fault;
    private int _failed;

    private StorageFaultFront(WebApplication app, Azurite azurite)
    {
        _app = app;
        _azurite = azurite;
    }

    /// <summary>The account's Blob service through the front, path-style: <c>http://127.0.0.1:{port}/devstoreaccount1</c>.</summary>
    public Uri ServiceUri { get; private set; } = null!;

    /// <summary>Azurite's connection string (its account and key) with the front as the Blob endpoint.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};AccountKey={_azurite.AccountKey};BlobEndpoint={ServiceUri};";

    /// <summary>How many requests got an injected error so far.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>A front for <paramref name="azurite"/>, which must have been started over plain http.</summary>
    public static async Task<StorageFaultFront> StartAsync(Azurite azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var front = new StorageFaultFront(builder.Build(), azurite);
        front._app.Use(front.FaultAsync);
        front._app.MapForwarder("/{**path}", azurite.ServiceUri.GetLeftPart(UriPartial.Authority));
        await front._app.StartAsync();
        front.ServiceUri = new Uri(front._app.Address(), "/" + Azurite.AccountName);
        return front;
    }

    /// <summary>
    /// From now on, every request that <paramref name="matches"/> (its method and path) is answered <paramref name="status"/>
    /// with Storage's error <paramref name="code"/> and <paramref name="message"/>, however often it is retried, until <see cref="Heal"/>.
    /// </summary>
    public void FailWhere(Func<string, string, bool> matches, int status, string code, string message) =>
        _fault = new Fault(matches, status, code, message);

    /// <summary>Everything is forwarded again.</summary>
    public void Heal() => _fault = null;

    private async Task FaultAsync(HttpContext context, RequestDelegate next)
    {
        if (_fault is not { } fault || !fault.Matches(context.Request.Method, context.Request.Path.Value ?? ""))
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref _failed);
        var requestId = Guid.NewGuid().ToString();
        var time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        context.Response.StatusCode = fault.Status;
        context.Response.Headers["x-ms-error-code"] = fault.Code;
        context.Response.Headers["x-ms-request-id"] = requestId;
        context.Response.Headers["x-ms-version"] = context.Request.Headers["x-ms-version"].ToString();
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return; // a HEAD's error has the header only
        }

        context.Response.ContentType = "application/xml";
        var body = $"""<?xml version="1.0" encoding="utf-8"?><Error><Code>{fault.Code}</Code><Message>{SecurityElement.Escape(fault.Message)}{"\n"}RequestId:{requestId}{"\n"}Time:{time}</Message></Error>""";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Fault(Func<string, string, bool> Matches, int Status, string Code, string Message);
}
