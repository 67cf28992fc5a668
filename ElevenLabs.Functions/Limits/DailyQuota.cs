using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Limits;

/// <summary>
/// <c>Quota:SessionsPerDay</c> per caller and UTC day, counted across instances by an atomic increment. A session that
/// was refused or failed is given back, so the count is the sessions the caller got.
/// </summary>
public sealed partial class DailyQuota(IUsageCounter counter, IOptions<QuotaOptions> options, TimeProvider time, ILogger<DailyQuota> logger)
{
    /// <summary>Counts one session for the caller today; check <see cref="QuotaTicket.Allowed"/>.</summary>
    /// <param name="callerKey">Null when there is no caller (nothing is counted).</param>
    public async Task<QuotaTicket> TakeAsync(string? callerKey, CancellationToken cancellationToken)
    {
        var limit = options.Value.SessionsPerDay;
        if (limit == 0 || callerKey is null)
        {
            return QuotaTicket.Unlimited;
        }

        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var count = await counter.AddAsync(callerKey, day, 1, cancellationToken);
        return new QuotaTicket(callerKey, day, count, limit);
    }

    /// <summary>Gives the session back (best effort: a failure leaves the caller counted one too many, never one too few).</summary>
    public async Task GiveBackAsync(QuotaTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!ticket.Counted)
        {
            return;
        }

        try
        {
            await counter.AddAsync(ticket.CallerKey!, ticket.Day, -1, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogGiveBackFailed(logger, ex);
        }
    }

    /// <summary>The refusal for a ticket over the limit: retry at the next UTC midnight.</summary>
    public QuotaExceededException Exceeded(QuotaTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var midnight = new DateTimeOffset(ticket.Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var wait = midnight - time.GetUtcNow();
        return new QuotaExceededException(ticket.Limit, wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A session could not be given back to its caller's daily quota; the caller stays counted one too many today")]
    private static partial void LogGiveBackFailed(ILogger logger, Exception exception);
}
