using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Settings of the <c>Sessions</c> section.</summary>
public sealed class SessionsOptions : IValidatableObject
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
    [EnumDataType(typeof(SessionStoreKind), ErrorMessage = "Sessions:Store must be Auto, InMemory or Firestore.")]
    public SessionStoreKind Store { get; set; } = SessionStoreKind.Auto;

    /// <summary>
    /// <c>Sessions:InMemoryCapacity</c>: the most sessions the in-memory store keeps. A create beyond it drops the
    /// session that ended (or expired) longest ago, or, when none has, the oldest session.
    /// </summary>
    [SettingRange(1, 1_000_000)]
    public int InMemoryCapacity { get; set; } = 10_000;

    /// <summary><c>Sessions:SweepSchedule</c>: the sweep's NCRONTAB schedule under the Functions host (six fields, seconds first).</summary>
    /// <remarks>Six space-separated fields of digits, names, <c>*</c>, <c>/</c>, <c>,</c> and <c>-</c>.</remarks>
    [Required(ErrorMessage = SweepScheduleRule)]
    [RegularExpression(@"^\s*[0-9A-Za-z*/,\-]+(\s+[0-9A-Za-z*/,\-]+){5}\s*$", ErrorMessage = SweepScheduleRule)]
    public string SweepSchedule { get; set; } = DefaultSweepSchedule;

    /// <summary><c>Sessions:SweepInterval</c>: how often the sweep runs when self-hosted; <c>00:00:00</c> turns it off.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary><c>Sessions:MaxIdle</c>: an active session not updated for this long is looked at by the sweep.</summary>
    [SettingRange("00:01:00", "7.00:00:00")]
    public TimeSpan MaxIdle { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// <c>Sessions:RetentionDays</c>: how long a session and everything stored for it is kept, counted from its creation;
    /// 0 (the default) keeps them until erased. When set, each document written carries <c>expireAt</c> for Firestore's
    /// TTL policies (<see cref="SessionRetention"/>; docs/operations.md, Retention).
    /// </summary>
    [SettingRange(0, MaxRetentionDays)]
    public int RetentionDays { get; set; }

    /// <summary>Ten years: longer is a mistake more likely than a policy.</summary>
    public const int MaxRetentionDays = 3650;

    private const string SweepScheduleRule =
        "Sessions:SweepSchedule must be an NCRONTAB expression of six fields, seconds first, such as '" + DefaultSweepSchedule + "'.";

    /// <summary><c>Sessions:SweepInterval</c>: 0 (off), or a range.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SweepInterval != TimeSpan.Zero && (SweepInterval < TimeSpan.FromMinutes(1) || SweepInterval > TimeSpan.FromDays(1)))
        {
            yield return new ValidationResult("Sessions:SweepInterval must be 00:00:00 (off) or between 00:01:00 and 1.00:00:00.");
        }
    }
}

/// <summary>Checks <see cref="SessionsOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class SessionsOptionsValidator : IValidateOptions<SessionsOptions>;

/// <summary>Where sessions are kept: the values of <c>Sessions:Store</c>.</summary>
[TypeConverter(typeof(LenientEnumConverter<SessionStoreKind>))]
public enum SessionStoreKind
{
    /// <summary>Firestore when anything about Firestore is configured, else in memory.</summary>
    Auto,

    /// <summary>In this process only: lost on restart (a start-up warning says so).</summary>
    InMemory,

    Firestore,
}
