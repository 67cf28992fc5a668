using System.Globalization;

namespace ElevenLabs.Functions.Sessions;

/// <summary>A thread-safe store that lives as long as the process: for local runs and tests, not durable.</summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly Dictionary<string, (Session Session, long Version)> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _nextVersion;

    public string Name => "in-memory (not durable)";

    public Task<string> CreateAsync(Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (_sessions.ContainsKey(session.ConversationId))
            {
                throw new SessionConflictException(session.ConversationId, $"Session '{session.ConversationId}' already exists.");
            }

            var version = ++_nextVersion;
            _sessions[session.ConversationId] = (session with { Metadata = session.Metadata.Clone() }, version);
            return Task.FromResult(Format(version));
        }
    }

    public Task<StoredSession?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_sessions.TryGetValue(conversationId, out var entry)
                ? new StoredSession(entry.Session, Format(entry.Version))
                : null);
        }
    }

    public Task<string> UpdateAsync(string conversationId, SessionChanges changes, string? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            if (!_sessions.TryGetValue(conversationId, out var entry))
            {
                throw new SessionNotFoundException(conversationId);
            }

            if (expectedVersion is not null && expectedVersion != Format(entry.Version))
            {
                throw new SessionConflictException(conversationId, $"Session '{conversationId}' changed since it was read.");
            }

            var version = ++_nextVersion;
            _sessions[conversationId] = (entry.Session.Apply(changes), version);
            return Task.FromResult(Format(version));
        }
    }

    public Task<StoredSession?> FindByElevenLabsConversationIdAsync(string elevenLabsConversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var match = _sessions.Values
                .Where(entry => entry.Session.ElevenLabsConversationId == elevenLabsConversationId)
                .OrderBy(entry => entry.Session.ConversationId, StringComparer.Ordinal)
                .Select(entry => new StoredSession(entry.Session, Format(entry.Version)))
                .FirstOrDefault();
            return Task.FromResult(match);
        }
    }

    public Task<IReadOnlyList<StoredSession>> FindIdleAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<StoredSession> idle = [.. _sessions.Values
                .Where(entry => entry.Session.Status == SessionStatus.Active && entry.Session.UpdatedAt < updatedBefore)
                .OrderBy(entry => entry.Session.UpdatedAt)
                .ThenBy(entry => entry.Session.ConversationId, StringComparer.Ordinal)
                .Take(limit)
                .Select(entry => new StoredSession(entry.Session, Format(entry.Version)))];
            return Task.FromResult(idle);
        }
    }

    /// <summary>Memory is always there.</summary>
    public Task ProbeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Every stored session, for tests and diagnostics.</summary>
    internal IReadOnlyList<Session> Snapshot()
    {
        lock (_gate)
        {
            return [.. _sessions.Values.Select(entry => entry.Session)];
        }
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
