using System.Diagnostics;
using System.Globalization;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Api;

/// <summary>The one place where failures become the contract's error envelope.</summary>
public static class ApiErrors
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The seed's wording for a failed action.</summary>
    public static string FailureMessage(string? action) => action switch
    {
        ConversationRequestParser.CreateSession => "Failed to create conversation session",
        ConversationRequestParser.GetSignedUrl => "Failed to get signed URL",
        ConversationRequestParser.EndSession => "Failed to end conversation session",
        _ => "Request failed",
    };

    public static ApiResult Error(HttpContext context, int status, string code, string error, string? detail = null)
    {
        var result = ApiResult.Json(status, new ErrorResponse(false, error, code, detail, RequestId(context)), ApiJsonContext.Default.ErrorResponse);
        result.ErrorCode = code;
        return result;
    }

    /// <summary>The machine code of an error answer.</summary>
    public static string Code(ApiResult result) => result.ErrorCode ?? "unknown";

    /// <summary>Maps a failure to status, code and message. Upstream bodies and secrets never reach the client.</summary>
    public static ApiResult FromException(HttpContext context, string? action, Exception exception)
    {
        var failed = FailureMessage(action);
        return exception switch
        {
            ApiRequestException bad => Error(context, bad.StatusCode, bad.Code, bad.Message),
            SessionNotFoundException => Error(context, StatusCodes.Status404NotFound, "session_not_found", "Conversation session not found"),
            SessionNotActiveException { Status: SessionStatus.Ended } => Error(context, StatusCodes.Status409Conflict, "session_ended", "Conversation session has ended"),
            SessionNotActiveException inactive => Error(context, StatusCodes.Status409Conflict, "session_not_active", $"Conversation session is {inactive.Status}"),
            SecretNotConfiguredException missing => Error(context, StatusCodes.Status500InternalServerError, missing.Code, "ElevenLabs API key is not configured"),
            SecretUnavailableException { Transient: false } forbidden => Error(context, StatusCodes.Status500InternalServerError, forbidden.Code, failed,
                "The app may not read its secrets; the log says what to fix."),
            SecretUnavailableException unavailable => WithRetryAfter(Error(context, StatusCodes.Status503ServiceUnavailable, unavailable.Code, failed,
                "The API key could not be read from the secret store; try again shortly."), DefaultRetryAfter),
            ElevenLabsException el => FromElevenLabs(context, failed, el),
            SessionStoreException { Failure: SessionStoreFailure.Unavailable } => WithRetryAfter(Error(context, StatusCodes.Status503ServiceUnavailable,
                "store_unavailable", failed, "The session store is unavailable; try again shortly."), DefaultRetryAfter),
            SessionStoreException => Error(context, StatusCodes.Status500InternalServerError, "store_error", failed),
            SessionConflictException => Error(context, StatusCodes.Status409Conflict, "session_conflict", failed, "The session changed concurrently; try again."),
            _ => Error(context, StatusCodes.Status500InternalServerError, "internal_error", failed),
        };
    }

    private static ApiResult FromElevenLabs(HttpContext context, string failed, ElevenLabsException exception) => exception.Failure switch
    {
        ElevenLabsFailure.RateLimited => WithRetryAfter(
            Error(context, StatusCodes.Status503ServiceUnavailable, exception.Code, failed, "ElevenLabs is busy; try again shortly."),
            exception.RetryAfter is { } after && after > TimeSpan.Zero ? after : DefaultRetryAfter),
        ElevenLabsFailure.Unauthorized => Error(context, StatusCodes.Status502BadGateway, exception.Code, failed, "ElevenLabs rejected the API key."),
        ElevenLabsFailure.Timeout => Error(context, StatusCodes.Status502BadGateway, exception.Code, failed, "ElevenLabs did not answer in time."),
        ElevenLabsFailure.Unreachable => Error(context, StatusCodes.Status502BadGateway, exception.Code, failed, "ElevenLabs could not be reached."),
        ElevenLabsFailure.Rejected => Error(context, StatusCodes.Status502BadGateway, exception.Code, failed, "ElevenLabs refused the request."),
        _ => Error(context, StatusCodes.Status502BadGateway, exception.Code, failed, "ElevenLabs failed to issue a signed URL."),
    };

    private static ApiResult WithRetryAfter(ApiResult result, TimeSpan after)
    {
        result.Headers["Retry-After"] = Math.Ceiling(after.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>The id an operator finds this request by: the trace id in Application Insights.</summary>
    public static string RequestId(HttpContext context) =>
        Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
}
