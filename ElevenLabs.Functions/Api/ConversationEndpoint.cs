using System.Reflection;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Api;

/// <summary>The HTTP contract of <c>/elevenlabs-conversation</c>, shared by both hosts.</summary>
public sealed partial class ConversationEndpoint(
    SessionService sessions,
    CorsPolicy cors,
    ConversationTelemetry telemetry,
    IOptionsMonitor<ElevenLabsOptions> elevenLabs,
    TimeProvider time,
    ILogger<ConversationEndpoint> logger)
{
    public const string Route = "elevenlabs-conversation";
    public const string ServiceName = "elevenlabs-conversation";

    private static readonly string Version =
        typeof(ConversationEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public async Task<ApiResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await DispatchAsync(request, cancellationToken);
        cors.Apply(request, result);
        return result;
    }

    private async Task<ApiResult> DispatchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (HttpMethods.IsGet(request.Method))
        {
            return ApiResult.Json(StatusCodes.Status200OK,
                new HealthResponse(true, "healthy", ServiceName, Version, time.GetUtcNow().UtcDateTime),
                ApiJsonContext.Default.HealthResponse);
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            var preflight = ApiResult.NoContent();
            preflight.Headers["Allow"] = CorsPolicy.AllowedMethods;
            return preflight;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            var notAllowed = ApiErrors.Error(request.HttpContext, StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
                $"Method {request.Method} is not allowed: use GET, POST or OPTIONS.");
            notAllowed.Headers["Allow"] = CorsPolicy.AllowedMethods;
            return notAllowed;
        }

        ConversationRequest parsed;
        try
        {
            parsed = await ConversationRequestParser.ReadAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failure(request, null, ex);
        }

        // The scope covers the failure's log line too, so every line of the request carries its action and id.
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            [TelemetryNames.Properties.Action] = parsed.Action,
            [TelemetryNames.Properties.ConversationId] = parsed.ConversationId,
        });
        try
        {
            LogHandling(logger, parsed.Action);
            return await RunAsync(parsed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failure(request, parsed, ex);
        }
    }

    /// <summary>The envelope for a failure, its log line, and its <c>SessionFailed</c> event.</summary>
    private ApiResult Failure(HttpRequest request, ConversationRequest? parsed, Exception exception)
    {
        var result = ApiErrors.FromException(request.HttpContext, parsed?.Action, exception);
        LogFailure(result.StatusCode, parsed?.Action, exception);
        telemetry.Failed(parsed?.Action ?? "(invalid)", parsed?.ConversationId, elevenLabs.CurrentValue.AgentId, ApiErrors.Code(result), result.StatusCode);
        return result;
    }

    private async Task<ApiResult> RunAsync(ConversationRequest request, CancellationToken cancellationToken)
    {
        switch (request.Action)
        {
            case ConversationRequestParser.CreateSession:
                var created = await sessions.CreateAsync(request.NewSession!, cancellationToken);
                Track(TelemetryNames.Events.SessionCreated, request.Action, created.Session);
                return UrlAnswer(created);
            case ConversationRequestParser.GetSignedUrl:
                var issued = await sessions.IssueSignedUrlAsync(request.ConversationId!, cancellationToken);
                Track(TelemetryNames.Events.SignedUrlIssued, request.Action, issued.Session);
                return UrlAnswer(issued);
            default:
                var ended = await sessions.EndAsync(request.ConversationId!, cancellationToken);
                Track(TelemetryNames.Events.SessionEnded, request.Action, ended);
                return ApiResult.Json(StatusCodes.Status200OK,
                    new SessionEndedResponse(true, ended.ConversationId, Data(ended)), ApiJsonContext.Default.SessionEndedResponse);
        }
    }

    private void Track(string eventName, string action, Session session) =>
        telemetry.Succeeded(eventName, action, session.ConversationId, session.AgentId);

    private static ApiResult UrlAnswer(SessionWithUrl answer) =>
        ApiResult.Json(StatusCodes.Status200OK,
            new SessionUrlResponse(true, answer.Session.ConversationId, answer.SignedUrl.Url, Data(answer.Session)),
            ApiJsonContext.Default.SessionUrlResponse);

    private static SessionData Data(Session session) =>
        new(session.ConversationId, session.AgentId, session.Status, session.CreatedAt.UtcDateTime, session.EndedAt?.UtcDateTime);

    private void LogFailure(int status, string? action, Exception exception)
    {
        if (status >= StatusCodes.Status500InternalServerError)
        {
            LogServerFailure(logger, exception, action ?? "(none)", status);
        }
        else
        {
            LogClientFailure(logger, action ?? "(none)", status, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handling {Action}")]
    private static partial void LogHandling(ILogger logger, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Action {Action} failed with {StatusCode}")]
    private static partial void LogServerFailure(ILogger logger, Exception exception, string action, int statusCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Action} refused with {StatusCode}: {Reason}")]
    private static partial void LogClientFailure(ILogger logger, string action, int statusCode, string reason);
}
