using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Telemetry;

/// <summary>
/// Application Insights' logger provider, made when a log line first reaches it rather than when the host builds its
/// logger factory. Its constructor needs the telemetry configuration, whose channel, modules and processors take tens
/// of milliseconds to build: made eagerly, that sat before the app's first answer. Lines reach it only at the level its
/// filter rule lets through (Warning, unless <c>DEBUG=true</c>), and the configuration is built in the background at
/// start (<see cref="Hosting.StartupReport"/>), so the first of them rarely waits.
/// </summary>
[ProviderAlias("ApplicationInsights")]
public sealed class DeferredApplicationInsightsLoggerProvider(IServiceProvider services) : ILoggerProvider, ISupportExternalScope
{
    private readonly Lock _gate = new();
    private ApplicationInsightsLoggerProvider? _provider;
    private IExternalScopeProvider? _scopes;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        lock (_gate)
        {
            _scopes = scopeProvider;
            _provider?.SetScopeProvider(scopeProvider);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _provider?.Dispose();
        }
    }

    private ApplicationInsightsLoggerProvider Provider()
    {
        lock (_gate)
        {
            if (_provider is null)
            {
                // Resolved here: even resolving IOptions<TelemetryConfiguration> builds the channel.
                _provider = new ApplicationInsightsLoggerProvider(
                    services.GetRequiredService<IOptions<TelemetryConfiguration>>(), services.GetRequiredService<IOptions<ApplicationInsightsLoggerOptions>>());
                if (_scopes is { } scopes)
                {
                    _provider.SetScopeProvider(scopes);
                }
            }

            return _provider;
        }
    }

    /// <summary>A logger that asks for the real one at its first line (the factory has filtered the level already).</summary>
    private sealed class DeferredLogger(DeferredApplicationInsightsLoggerProvider owner, string category) : ILogger
    {
        private ILogger? _logger;

        private ILogger Logger => _logger ??= owner.Provider().CreateLogger(category);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => Logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Logger.Log(logLevel, eventId, state, exception, formatter);
    }
}
