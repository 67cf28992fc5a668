using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

/// <summary>
/// Secrets from Azure Key Vault, cached per secret for <c>KeyVault:CacheTtl</c>. Concurrent callers share one
/// read in flight; a failed refresh serves the last good value (with a warning) until <c>KeyVault:MaxStaleness</c>.
/// Values are never logged.
/// </summary>
public sealed partial class KeyVaultSecretSource(
    SecretClient client,
    IOptions<KeyVaultOptions> options,
    ConfigurationSecretSource fallback,
    TimeProvider time,
    ILogger<KeyVaultSecretSource> logger) : ISecretSource
{
    /// <summary>How long a failed first read is the answer before the vault is tried again.</summary>
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(5);

    private readonly KeyVaultOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<SecretKind, Entry> _entries = [];

    public string Description =>
        $"Key Vault {client.VaultUri} (secrets {_options.ElevenLabsApiKeySecretName}, {_options.FirestoreCredentialsSecretName}, {_options.ElevenLabsWebhookSecretName}); configuration values for the ElevenLabs key and webhook secret are ignored";

    public async ValueTask<string?> GetAsync(SecretKind kind, bool refresh = false, CancellationToken cancellationToken = default)
    {
        Task<Read> reading;
        lock (_gate)
        {
            var entry = _entries.TryGetValue(kind, out var e) ? e : _entries[kind] = new Entry();
            var now = time.GetUtcNow();
            if (!refresh && entry.Value is { } cached && now < entry.RefreshAt)
            {
                return cached.Value;
            }

            // A failed read answers for a few seconds, so an outage does not send every request to the vault.
            if (entry.InFlight is { IsFaulted: true } && (refresh || now >= entry.FailedUntil))
            {
                entry.InFlight = null;
            }

            // One read in flight per secret: every concurrent caller awaits the same one.
            entry.InFlight ??= ReadAsync(kind, entry);
            reading = entry.InFlight;
        }

        var read = await reading.WaitAsync(cancellationToken);
        return read.Value ?? (kind == SecretKind.FirestoreCredentials ? await fallback.GetAsync(kind, refresh, cancellationToken) : null);
    }

    private async Task<Read> ReadAsync(SecretKind kind, Entry entry)
    {
        await Task.Yield();
        var name = SecretName(kind);
        try
        {
            var secret = await client.GetSecretAsync(name, cancellationToken: CancellationToken.None);
            return Store(entry, new Read(secret.Value.Value), time.GetUtcNow() + _options.CacheTtl);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            LogMissing(logger, client.VaultUri, name);
            return Store(entry, new Read(null), time.GetUtcNow() + _options.CacheTtl);
        }
        catch (Exception ex)
        {
            var forbidden = ex is RequestFailedException { Status: 403 };
            lock (_gate)
            {
                var now = time.GetUtcNow();
                entry.FailedUntil = now + FailureMemory;
                if (entry.Value is { } last && now < entry.GoodUntil + _options.MaxStaleness)
                {
                    entry.InFlight = null;
                    // Serve the last good value; try the vault again in a little while, not on every request.
                    entry.RefreshAt = now + TimeSpan.FromSeconds(Math.Min(30, _options.CacheTtl.TotalSeconds));
                    LogServingStale(logger, ex, client.VaultUri, name);
                    return last;
                }
            }

            if (forbidden)
            {
                LogForbidden(logger, client.VaultUri, name);
            }
            else
            {
                LogUnreachable(logger, ex, client.VaultUri, name);
            }

            throw new SecretUnavailableException(kind, forbidden
                ? $"The app's identity may not read secret '{name}' from Key Vault {client.VaultUri}."
                : $"Key Vault {client.VaultUri} could not be read for secret '{name}'.", transient: !forbidden, innerException: ex);
        }
    }

    private Read Store(Entry entry, Read read, DateTimeOffset refreshAt)
    {
        lock (_gate)
        {
            entry.Value = read;
            entry.RefreshAt = refreshAt;
            entry.GoodUntil = refreshAt;
            entry.InFlight = null;
        }

        return read;
    }

    private string SecretName(SecretKind kind) => kind switch
    {
        SecretKind.ElevenLabsApiKey => _options.ElevenLabsApiKeySecretName,
        SecretKind.ElevenLabsWebhookSecret => _options.ElevenLabsWebhookSecretName,
        _ => _options.FirestoreCredentialsSecretName,
    };

    private sealed record Read(string? Value);

    private sealed class Entry
    {
        public Read? Value { get; set; }
        public DateTimeOffset RefreshAt { get; set; }
        public DateTimeOffset GoodUntil { get; set; }
        public DateTimeOffset FailedUntil { get; set; }
        public Task<Read>? InFlight { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key Vault {Vault} has no secret {SecretName}: create it (az keyvault secret set --vault-name <vault> --name {SecretName} --file <file>)")]
    private static partial void LogMissing(ILogger logger, Uri vault, string secretName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Key Vault {Vault} refused to give secret {SecretName} (403): grant the app's managed identity the role Key Vault Secrets User (4633458b-17de-408a-b874-0445c86b69e6) on the vault")]
    private static partial void LogForbidden(ILogger logger, Uri vault, string secretName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Key Vault {Vault} could not be read for secret {SecretName}")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, Uri vault, string secretName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key Vault {Vault} could not be read for secret {SecretName}: serving the last value read")]
    private static partial void LogServingStale(ILogger logger, Exception exception, Uri vault, string secretName);
}
