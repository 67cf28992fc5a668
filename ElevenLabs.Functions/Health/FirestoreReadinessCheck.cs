using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Health;

/// <summary>The session store answers a read (Firestore: a document GET, where NOT_FOUND is a healthy answer; in memory: always).</summary>
public sealed class FirestoreReadinessCheck(ISessionStore store) : IReadinessCheck
{
    public string Name => "firestore";

    public Task CheckAsync(CancellationToken cancellationToken) => store.ProbeAsync(cancellationToken);

    public Exception TimedOut(TimeSpan timeout) =>
        new SessionStoreException(SessionStoreFailure.Unavailable, $"The session store did not answer within {timeout.TotalSeconds:0.#} s.");
}
