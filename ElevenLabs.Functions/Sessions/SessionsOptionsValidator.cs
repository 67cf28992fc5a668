using System.Text.RegularExpressions;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sessions;

/// <summary>One message per wrong <c>Sessions</c> setting, each naming it.</summary>
public sealed partial class SessionsOptionsValidator : IValidateOptions<SessionsOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionsOptions options) => new SettingErrors()
        .Check(Enum.IsDefined(options.Store), "Sessions:Store must be Auto, InMemory or Firestore.")
        .Between("Sessions:InMemoryCapacity", options.InMemoryCapacity, 1, 1_000_000)
        .Check(options.SweepSchedule is not null && Ncrontab().IsMatch(options.SweepSchedule),
            $"Sessions:SweepSchedule must be an NCRONTAB expression of six fields, seconds first, such as '{SessionsOptions.DefaultSweepSchedule}'.")
        .Check(options.SweepInterval == TimeSpan.Zero || (options.SweepInterval >= TimeSpan.FromMinutes(1) && options.SweepInterval <= TimeSpan.FromDays(1)),
            "Sessions:SweepInterval must be 00:00:00 (off) or between 00:01:00 and 1.00:00:00.")
        .Between("Sessions:MaxIdle", options.MaxIdle, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7))
        .Result;

    /// <summary>Six space-separated fields of digits, names, <c>*</c>, <c>/</c>, <c>,</c> and <c>-</c>.</summary>
    [GeneratedRegex(@"^\s*[0-9A-Za-z*/,\-]+(\s+[0-9A-Za-z*/,\-]+){5}\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Ncrontab();
}
