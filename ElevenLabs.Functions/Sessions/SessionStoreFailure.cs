namespace ElevenLabs.Functions.Sessions;

/// <summary>Why the session store failed: what the caller is told and whether trying again may help.</summary>
public enum SessionStoreFailure
{
    /// <summary>Transient: the store was unavailable, busy or timed out (after retries).</summary>
    Unavailable,

    /// <summary>The app's identity may not use the store (a configuration problem).</summary>
    PermissionDenied,

    /// <summary>Anything else the store refused or answered unexpectedly.</summary>
    Failed,
}
