using System.Text;
using ElevenLabs.Functions.Secrets;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// The keys a webhook signature may be made with: the webhook secret as the secret source has it now (cached and
/// rotated like the API key), and, for <see cref="PreviousKeptFor"/> after a change was seen, the value before it, so
/// that during a rotation events signed with either verify. A signature that matches none makes one fresh read of the
/// secret (at most every <see cref="RefreshAtMostEvery"/>, so forged requests cannot drive the vault): the way a
/// rotation that happened within the cache's lifetime is noticed.
/// </summary>
public sealed partial class WebhookSecretKeys(ISecretSource secrets, TimeProvider time, ILogger<WebhookSecretKeys> logger)
{
    public static readonly TimeSpan PreviousKeptFor = TimeSpan.FromHours(1);
    public static readonly TimeSpan RefreshAtMostEvery = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private string? _current;
    private string? _previous;
    private DateTimeOffset _previousUntil;
    private DateTimeOffset _nextRefresh;

    /// <summary>The keys to try: the current secret's bytes first, then the previous one while it is kept.</summary>
    /// <exception cref="SecretNotConfiguredException">No webhook secret is configured.</exception>
    public async Task<IReadOnlyList<byte[]>> KeysAsync(CancellationToken cancellationToken)
    {
        var current = await ReadAsync(refresh: false, cancellationToken);
        lock (_gate)
        {
            Observe(current);
            return _previous is { } previous && time.GetUtcNow() < _previousUntil
                ? [Key(current), Key(previous)]
                : [Key(current)];
        }
    }

    /// <summary>
    /// After a mismatch: reads the secret afresh (unless that was done less than <see cref="RefreshAtMostEvery"/> ago)
    /// and returns the new key when the secret changed; else null.
    /// </summary>
    public async Task<byte[]?> RefreshedKeyAsync(CancellationToken cancellationToken)
    {
        string? before;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now < _nextRefresh)
            {
                return null;
            }

            _nextRefresh = now + RefreshAtMostEvery;
            before = _current;
        }

        string fresh;
        try
        {
            fresh = await ReadAsync(refresh: true, cancellationToken);
        }
        catch (SecretUnavailableException)
        {
            return null; // the vault is failing: the mismatch stands (a 401), rather than a forged request getting a 503
        }

        lock (_gate)
        {
            Observe(fresh);
        }

        return fresh == before ? null : Key(fresh);
    }

    private async Task<string> ReadAsync(bool refresh, CancellationToken cancellationToken) =>
        await secrets.GetAsync(SecretKind.ElevenLabsWebhookSecret, refresh, cancellationToken)
        ?? throw new SecretNotConfiguredException(SecretKind.ElevenLabsWebhookSecret);

    /// <summary>Notes a value read; a change keeps the value before it for <see cref="PreviousKeptFor"/>. Call under the lock.</summary>
    private void Observe(string value)
    {
        if (_current == value)
        {
            return;
        }

        if (_current is not null)
        {
            _previous = _current;
            _previousUntil = time.GetUtcNow() + PreviousKeptFor;
            LogRotated(logger, PreviousKeptFor);
        }

        _current = value;
    }

    private static byte[] Key(string secret) => Encoding.UTF8.GetBytes(secret);

    [LoggerMessage(Level = LogLevel.Information, Message = "The ElevenLabs webhook secret changed: events signed with the previous one are accepted for {Overlap} more")]
    private static partial void LogRotated(ILogger logger, TimeSpan overlap);
}
