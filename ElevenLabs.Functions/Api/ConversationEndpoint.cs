using System.Reflection;
using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.Calls;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Api;

/// <summary>The HTTP contract of <c>/elevenlabs-conversation</c>, shared by both hosts.</summary>
public sealed partial class ConversationEndpoint(
    CallerIdentifier callers,
    CallerRateLimiter rateLimiter,
    SessionService sessions,
    CallResults results,
    CallRecordings recordings,
    ConversationTelemetry telemetry,
    IOptionsMonitor<ElevenLabsOptions> elevenLabs,
    TimeProvider time,
    ILogger<ConversationEndpoint> logger)
{
    public const string Route = "elevenlabs-conversation";
    public const string AllowedMethods = "GET, POST, OPTIONS";

    private static readonly string Version =
        typeof(ConversationEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.HttpContext;
        if (HttpMethods.IsGet(request.Method))
        {
            return ApiResults.Json(context, StatusCodes.Status200OK,
                new HealthResponse(true, "healthy", Route, Version, time.GetUtcNow().UtcDateTime), ApiJsonContext.Default.HealthResponse);
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            return ApiResults.Options(context);
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = AllowedMethods;
            return ApiResults.Error(context, new ApiError(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
                $"Method {request.Method} is not allowed: use GET, POST or OPTIONS."));
        }

        // Who is calling comes first: with auth on, nothing of an unauthenticated request is read.
        Caller caller;
        try
        {
            caller = await callers.IdentifyAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failure(context, null, ex, "(auth)");
        }

        ConversationCommand command;
        try
        {
            command = await ConversationRequestParser.ReadAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A bad body still counts as one of the caller's requests: garbage cannot be sent without limit either.
            try
            {
                rateLimiter.Acquire(caller.Key, issuesCredential: false);
            }
            catch (RateLimitedException limited)
            {
                return Failure(context, null, limited);
            }

            return Failure(context, null, ex);
        }

        // The scope covers the failure's log line too, so every line of the request carries its action and id.
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            [TelemetryNames.Properties.Action] = command.Action,
            [TelemetryNames.Properties.ConversationId] = command.ConversationId,
        });
        try
        {
            LogHandling(logger, command.Action);
            rateLimiter.Acquire(caller.Key, command.IssuesCredential);
            return await RunAsync(context, caller, command, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failure(context, command, ex);
        }
    }

    /// <summary>The one dispatch: each command to its use case, for the caller, and its answer.</summary>
    private async Task<IResult> RunAsync(HttpContext context, Caller caller, ConversationCommand command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case CreateSession create:
                var created = await sessions.CreateAsync(caller, create.Session, cancellationToken);
                Track(TelemetryNames.Events.SessionCreated, command, created.Session);
                return UrlAnswer(context, created);
            case GetSignedUrl issue:
                var issued = await sessions.IssueSignedUrlAsync(caller, issue.ConversationId, cancellationToken);
                Track(TelemetryNames.Events.SignedUrlIssued, command, issued.Session);
                return UrlAnswer(context, issued);
            case GetConversationToken { ConversationId: { } id }:
                var tokenForSession = await sessions.IssueTokenAsync(caller, id, cancellationToken);
                Track(TelemetryNames.Events.ConversationTokenIssued, command, tokenForSession.Session);
                return TokenAnswer(context, tokenForSession);
            case GetConversationToken { NewSession: { } request }:
                var tokenForNew = await sessions.CreateWithTokenAsync(caller, request, cancellationToken);
                Track(TelemetryNames.Events.SessionCreated, command, tokenForNew.Session);
                return TokenAnswer(context, tokenForNew);
            case GetSession get:
                var session = await sessions.GetAsync(caller, get.ConversationId, cancellationToken);
                return ApiResults.Json(context, StatusCodes.Status200OK,
                    new SessionDetailsResponse(true, session.ConversationId, Details(session)), ApiJsonContext.Default.SessionDetailsResponse);
            case GetResults read:
                var owned = await sessions.GetAsync(caller, read.ConversationId, cancellationToken); // the caller's own, as get_session
                var page = await results.GetAsync(owned, read.CallCursor, cancellationToken);
                return ApiResults.Json(context, StatusCodes.Status200OK, SessionResultsMapping.Answer(owned, page),
                    ApiJsonContext.Default.SessionResultsResponse);
            case GetRecording play:
                var session2 = await sessions.GetAsync(caller, play.ConversationId, cancellationToken); // the caller's own, as get_session
                var (recordedId, link) = await recordings.LinkAsync(session2, play.ElevenLabsConversationId, cancellationToken);
                return ApiResults.Json(context, StatusCodes.Status200OK,
                    new RecordingLinkResponse(true, session2.ConversationId,
                        new RecordingLinkData(recordedId, link.Url.AbsoluteUri, link.ExpiresAt.UtcDateTime, Recordings.RecordingStore.ContentType)),
                    ApiJsonContext.Default.RecordingLinkResponse);
            case DeleteSession delete:
                var erased = await sessions.DeleteAsync(caller, delete.ConversationId, cancellationToken);
                return ApiResults.Json(context, StatusCodes.Status200OK,
                    new SessionDeletedResponse(true, erased.ConversationId, new SessionDeletedData(erased.ConversationId, "deleted",
                        new ErasedCounts(erased.Conversations, erased.Recordings, erased.Calls, erased.TranscriptParts))),
                    ApiJsonContext.Default.SessionDeletedResponse);
            case EndSession end:
                var ended = await sessions.EndAsync(caller, end.ConversationId, cancellationToken);
                Track(TelemetryNames.Events.SessionEnded, command, ended);
                return ApiResults.Json(context, StatusCodes.Status200OK,
                    new SessionEndedResponse(true, ended.ConversationId, Data(ended)), ApiJsonContext.Default.SessionEndedResponse);
            default:
                throw new InvalidOperationException($"No use case handles {command.GetType().Name}.");
        }
    }

    /// <summary>The envelope for a failure, its log line and its <c>SessionFailed</c> event, all from one <see cref="ApiError"/>.</summary>
    private IResult Failure(HttpContext context, ConversationCommand? command, Exception exception, string stage = "(invalid)")
    {
        var error = ApiErrors.From(exception, command?.Action);
        var action = command?.Action ?? stage;
        if (exception is SecretNotConfiguredException)
        {
            LogNotConfigured(logger, action, error.StatusCode, error.Code, exception.Message); // expected: no stack trace
        }
        else if (error.IsServerFailure)
        {
            LogServerFailure(logger, exception, action, error.StatusCode, error.Code);
        }
        else
        {
            LogClientFailure(logger, action, error.StatusCode, error.Code, exception.Message);
        }

        telemetry.Failed(action, command?.ConversationId, elevenLabs.CurrentValue.AgentId, error.Code, error.StatusCode);
        return ApiResults.Error(context, error);
    }

    private void Track(string eventName, ConversationCommand command, Session session) =>
        telemetry.Succeeded(eventName, command.Action, session.ConversationId, session.AgentId);

    private static IResult UrlAnswer(HttpContext context, SessionWithUrl answer) =>
        ApiResults.Json(context, StatusCodes.Status200OK,
            new SessionUrlResponse(true, answer.Session.ConversationId, answer.SignedUrl.Url, Data(answer.Session),
                ConversationInitiation.For(answer.Session.ConversationId)),
            ApiJsonContext.Default.SessionUrlResponse);

    private static IResult TokenAnswer(HttpContext context, SessionWithToken answer) =>
        ApiResults.Json(context, StatusCodes.Status200OK,
            new SessionTokenResponse(true, answer.Session.ConversationId, answer.Token.Value, Data(answer.Session),
                ConversationInitiation.For(answer.Session.ConversationId)),
            ApiJsonContext.Default.SessionTokenResponse);

    private static SessionDetails Details(Session session) => new(
        session.ConversationId, session.AgentId, session.Status, session.CreatedAt.UtcDateTime, session.EndedAt?.UtcDateTime, session.EndedBy,
        session.ElevenLabsConversationIds,
        session.LastCall is { } call
            ? new LastCallData(call.ElevenLabsConversationId, call.Status, call.CallDurationSecs, call.CallSuccessful, call.TranscriptSummary,
                call.TerminationReason, call.StartedAt?.UtcDateTime)
            : null);

    private static SessionData Data(Session session) =>
        new(session.ConversationId, session.AgentId, session.Status, session.CreatedAt.UtcDateTime, session.EndedAt?.UtcDateTime);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handling {Action}")]
    private static partial void LogHandling(ILogger logger, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Action {Action} failed with {StatusCode} {Code}")]
    private static partial void LogServerFailure(ILogger logger, Exception exception, string action, int statusCode, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Action {Action} failed with {StatusCode} {Code}: {Reason}")]
    private static partial void LogNotConfigured(ILogger logger, string action, int statusCode, string code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Action} refused with {StatusCode} {Code}: {Reason}")]
    private static partial void LogClientFailure(ILogger logger, string action, int statusCode, string code, string reason);
}
