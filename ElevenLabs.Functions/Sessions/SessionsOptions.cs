namespace ElevenLabs.Functions.Sessions;

/// <summary>Settings of the <c>Sessions</c> section.</summary>
public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    /// <summary>
    /// The setting the sweep's timer trigger reads its schedule from under the Functions host, as a binding
    /// expression (<c>%Sessions:SweepSchedule%</c>). The host resolves it from configuration, where the app
    /// setting <c>Sessions__SweepSchedule</c> (Linux app settings cannot hold ':') appears under this name.
    /// </summary>
    public const string SweepScheduleSetting = Section + ":" + nameof(SweepSchedule);

    public const string DefaultSweepSchedule = "0 */15 * * * *";

    /// <summary><c>Sessions:Store</c>: <c>Auto</c>, <c>InMemory</c> or <c>Firestore</c>.</summary>
    public SessionStoreKind Store { get; set; } = SessionStoreKind.Auto;

    /// <summary>
    /// <c>Sessions:InMemoryCapacity</c>: the most sessions the in-memory store keeps. A create beyond it drops the
    /// session that ended (or expired) longest ago, or, when none has, the oldest session.
    /// </summary>
    public int InMemoryCapacity { get; set; } = 10_000;

    /// <summary><c>Sessions:SweepSchedule</c>: the sweep's NCRONTAB schedule under the Functions host (six fields, seconds first).</summary>
    public string SweepSchedule { get; set; } = DefaultSweepSchedule;

    /// <summary><c>Sessions:SweepInterval</c>: how often the sweep runs when self-hosted; <c>00:00:00</c> turns it off.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary><c>Sessions:MaxIdle</c>: an active session not updated for this long is looked at by the sweep.</summary>
    public TimeSpan MaxIdle { get; set; } = TimeSpan.FromHours(2);
}
