using System.Globalization;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Store;

/// <summary>
/// A thread-safe store that lives as long as the process: for local runs and tests, not durable. It keeps at most
/// <c>Sessions:InMemoryCapacity</c> sessions: a create beyond that drops the session closed longest ago (ended,
/// expired or failed), or, when none is closed, the oldest one, so memory stays bounded however long the process runs.
/// It keeps the daily quota's counts too, today's only.
/// </summary>
public sealed partial class InMemorySessionStore(IOptions<SessionsOptions> options, ILogger<InMemorySessionStore> logger) : ISessionStore
{
    private readonly int _capacity = options.Value.InMemoryCapacity;
    private readonly Dictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _byCreation = new(); // oldest first
    private readonly LinkedList<string> _byClosing = new(); // closed longest ago first
    private readonly Dictionary<(string? ConversationId, string ElevenLabsId), CallRecord> _calls = [];
    private readonly Dictionary<(string ConversationId, string ElevenLabsId), long> _callVersions = [];
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal); // the daily quota's, of _countsDay
    private readonly Lock _gate = new();
    private DateOnly _countsDay;
    private long _nextVersion;
    private bool _evictedActive;

    public string Name => "in-memory (not durable)";

    /// <summary>The most sessions kept.</summary>
    public int Capacity => _capacity;

    /// <summary>The session and the caller's count together, under one lock: both or neither. Counts are today's only (the latest day counted).</summary>
    public Task<CreatedSession> CreateAsync(Session session, DailyCount? count = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (_sessions.ContainsKey(session.ConversationId))
            {
                throw new SessionConflictException(session.ConversationId, $"Session '{session.ConversationId}' already exists.");
            }

            while (_sessions.Count >= _capacity)
            {
                Evict();
            }

            var version = ++_nextVersion;
            var entry = new Entry(session with { Metadata = session.Metadata.Clone() }, version, _byCreation.AddLast(session.ConversationId));
            _sessions[session.ConversationId] = entry.Closing(_byClosing);
            return Task.FromResult(new CreatedSession(Format(version), count is null ? null : AddToCount(count, 1)));
        }
    }

    public Task DeleteCreatedAsync(string conversationId, string version, DailyCount? count, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(conversationId, out var entry) || Format(entry.Version) != version)
            {
                throw new SessionConflictException(conversationId, $"Session '{conversationId}' is gone or changed since it was created.");
            }

            _sessions.Remove(conversationId);
            _byCreation.Remove(entry.Created);
            if (entry.Closed is { } node)
            {
                _byClosing.Remove(node);
            }

            if (count is not null)
            {
                AddToCount(count, -1);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Adds to the caller's count for the day and returns it; a new day drops the earlier days' counts. Called under the lock.</summary>
    private long AddToCount(DailyCount count, long delta)
    {
        if (count.Day > _countsDay)
        {
            _counts.Clear();
            _countsDay = count.Day;
        }
        else if (count.Day < _countsDay)
        {
            return 0; // a day that is over: nothing to count against
        }

        var total = (_counts.TryGetValue(count.CallerKey, out var current) ? current : 0) + delta;
        _counts[count.CallerKey] = total;
        return total;
    }

    public Task<StoredSession?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_sessions.TryGetValue(conversationId, out var entry) ? entry.Stored : null);
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
            _sessions[conversationId] = (entry with { Session = entry.Session.Apply(changes), Version = version }).Closing(_byClosing);
            return Task.FromResult(Format(version));
        }
    }

    public Task<StoredSession?> FindByElevenLabsConversationIdAsync(string elevenLabsConversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var match = _sessions.Values
                .Where(entry => entry.Session.ElevenLabsConversationIds.Contains(elevenLabsConversationId, StringComparer.Ordinal)
                    || entry.Session.ElevenLabsConversationId == elevenLabsConversationId)
                .OrderBy(entry => entry.Session.ConversationId, StringComparer.Ordinal)
                .Select(entry => entry.Stored)
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
                .Select(entry => entry.Stored)];
            return Task.FromResult(idle);
        }
    }

    /// <summary>Memory is always there.</summary>
    public Task ProbeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> CreateCallAsync(CallRecord call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        lock (_gate)
        {
            return Task.FromResult(_calls.TryAdd((call.ConversationId, call.ElevenLabsConversationId), call));
        }
    }

    public Task<StoredCall?> GetCallAsync(string conversationId, string elevenLabsConversationId, bool withTranscript, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_calls.TryGetValue((conversationId, elevenLabsConversationId), out var call))
            {
                return Task.FromResult<StoredCall?>(null);
            }

            var version = _callVersions.TryGetValue((conversationId, elevenLabsConversationId), out var v) ? v : 0;
            return Task.FromResult<StoredCall?>(new StoredCall(withTranscript ? call : call with { Transcript = [] }, 0, Format(version)));
        }
    }

    /// <summary>The call and the session's changes under one lock, each checked against its version first: both or neither.</summary>
    public Task RecordCallAsync(CallRecord call, StoredCall? replacing, string sessionVersion, SessionChanges? changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var conversationId = call.ConversationId ?? throw new ArgumentException("The call has no session.", nameof(call));
        var key = (conversationId, call.ElevenLabsConversationId);
        lock (_gate)
        {
            var stored = _calls.ContainsKey(key);
            var callChanged = replacing is null ? stored : !stored || Format(_callVersions.GetValueOrDefault(key)) != replacing.Version;
            if (callChanged || !_sessions.TryGetValue(conversationId, out var entry) || (changes is not null && Format(entry.Version) != sessionVersion))
            {
                throw new SessionConflictException(conversationId, $"Call '{call.ElevenLabsConversationId}' or its session changed meanwhile.");
            }

            _calls[key] = call;
            _callVersions[key] = ++_nextVersion;
            if (changes is not null)
            {
                _sessions[conversationId] = (entry with { Session = entry.Session.Apply(changes), Version = ++_nextVersion }).Closing(_byClosing);
            }

            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<StoredSession>> FindPendingCallsAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<StoredSession> due = [.. _sessions.Values
                .Where(entry => entry.Session.ReconcileAt is { } at && at <= dueBy)
                .OrderBy(entry => entry.Session.ReconcileAt)
                .ThenBy(entry => entry.Session.ConversationId, StringComparer.Ordinal)
                .Take(limit)
                .Select(entry => entry.Stored)];
            return Task.FromResult(due);
        }
    }

    public Task<IReadOnlyList<StoredSession>> FindExpiredAsync(DateTimeOffset expiredBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<StoredSession> expired = [.. _sessions.Values
                .Where(entry => entry.Session.ExpireAt is { } at && at < expiredBefore)
                .OrderBy(entry => entry.Session.ExpireAt)
                .ThenBy(entry => entry.Session.ConversationId, StringComparer.Ordinal)
                .Take(limit)
                .Select(entry => entry.Stored)];
            return Task.FromResult(expired);
        }
    }

    public Task<IReadOnlyList<StoredSession>> FindDeletingAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<StoredSession> deleting = [.. _sessions.Values
                .Where(entry => entry.Session.Status == SessionStatus.Deleting)
                .OrderBy(entry => entry.Session.UpdatedAt)
                .ThenBy(entry => entry.Session.ConversationId, StringComparer.Ordinal)
                .Take(limit)
                .Select(entry => entry.Stored)];
            return Task.FromResult(deleting);
        }
    }

    /// <summary>The session's calls, under the lock. A call's transcript is kept whole here: no part documents to count.</summary>
    public Task<ErasedCalls> DeleteCallsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var keys = _calls.Keys.Where(key => key.ConversationId == conversationId).ToList();
            foreach (var key in keys)
            {
                _calls.Remove(key);
                _callVersions.Remove((conversationId, key.ElevenLabsId));
            }

            return Task.FromResult(new ErasedCalls(keys.Count, 0));
        }
    }

    public Task<bool> DeleteAsync(string conversationId, string version, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(conversationId, out var entry))
            {
                return Task.FromResult(false);
            }

            if (Format(entry.Version) != version)
            {
                throw new SessionConflictException(conversationId, $"Session '{conversationId}' changed since it was read.");
            }

            _sessions.Remove(conversationId);
            _byCreation.Remove(entry.Created);
            if (entry.Closed is { } node)
            {
                _byClosing.Remove(node);
            }

            return Task.FromResult(true);
        }
    }

    /// <summary>Every stored call (a null session: unmatched), for tests and diagnostics.</summary>
    internal IReadOnlyList<CallRecord> Calls()
    {
        lock (_gate)
        {
            return [.. _calls.Values];
        }
    }

    /// <summary>Every stored session, for tests and diagnostics.</summary>
    internal IReadOnlyList<Session> Snapshot()
    {
        lock (_gate)
        {
            return [.. _sessions.Values.Select(entry => entry.Session)];
        }
    }

    /// <summary>Drops the session closed longest ago, else the oldest. Called under the lock.</summary>
    private void Evict()
    {
        var closed = _byClosing.First is not null;
        var id = closed ? _byClosing.First!.Value : _byCreation.First!.Value;
        var entry = _sessions[id];
        _sessions.Remove(id);
        _byCreation.Remove(entry.Created);
        if (entry.Closed is { } node)
        {
            _byClosing.Remove(node);
        }

        if (!closed && !_evictedActive)
        {
            _evictedActive = true;
            LogEvictingActive(logger, _capacity);
        }
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The in-memory store is full of active sessions (Sessions:InMemoryCapacity {Capacity}): the oldest are dropped to make room, and their clients get 404")]
    private static partial void LogEvictingActive(ILogger logger, int capacity);

    /// <summary>A stored session, its version and its places in the eviction orders.</summary>
    private sealed record Entry(Session Session, long Version, LinkedListNode<string> Created, LinkedListNode<string>? Closed = null)
    {
        public StoredSession Stored => new(Session, Format(Version));

        /// <summary>This entry, queued for eviction once its session is no longer active (once: the first closing counts).</summary>
        public Entry Closing(LinkedList<string> byClosing) =>
            Session.Status == SessionStatus.Active || Closed is not null ? this : this with { Closed = byClosing.AddLast(Session.ConversationId) };
    }
}
