using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Tests.Support.FunctionsRpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using NCrontab;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// One function as the stand-in Functions host loaded it from the worker's metadata: its trigger, and for an HTTP trigger
/// its route (host.json's <c>routePrefix</c> + the binding's <c>route</c>, or the function's name) and methods (none listed:
/// every method); for a timer its schedule with <c>%Setting%</c> resolved from the app settings, as the host resolves it.
/// </summary>
public sealed partial record HostedFunction(string Name, string Id, string TriggerType, string TriggerName, string? Route,
    IReadOnlySet<string>? Methods, string? Schedule, IReadOnlyList<JsonObject> Bindings)
{
    private TemplateMatcher? _matcher;

    public bool IsHttp => TriggerType.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);
    public bool IsTimer => TriggerType.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds it from the worker's metadata; <paramref name="setting"/> reads an app setting by name (null: unset).</summary>
    public static HostedFunction From(RpcFunctionMetadata metadata, string routePrefix, Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(setting);
        var bindings = metadata.RawBindings.Select(b => JsonNode.Parse(b)!.AsObject()).ToList();
        var trigger = bindings.Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
        var type = trigger["type"]!.GetValue<string>();
        string? route = null;
        HashSet<string>? methods = null;
        string? schedule = null;
        if (type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase))
        {
            var suffix = trigger["route"]?.GetValue<string>() is { Length: > 0 } r ? r : metadata.Name;
            route = string.IsNullOrEmpty(routePrefix) ? suffix.Trim('/') : routePrefix + "/" + suffix.Trim('/');
            methods = trigger["methods"] is JsonArray list
                ? list.Select(m => m!.GetValue<string>().ToUpperInvariant()).ToHashSet(StringComparer.OrdinalIgnoreCase)
                : null;
        }
        else if (type.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase))
        {
            schedule = Resolve(trigger["schedule"]!.GetValue<string>(), setting);
            _ = NextOccurrence(schedule, DateTime.UtcNow); // an unparsable schedule fails the load, as on the host
        }

        return new HostedFunction(metadata.Name, metadata.FunctionId, type, trigger["name"]!.GetValue<string>(), route, methods, schedule, bindings);
    }

    /// <summary>Replaces every <c>%name%</c> with the app setting <c>name</c>; an unset one is an error, as on the host.</summary>
    public static string Resolve(string value, Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(setting);
        return SettingExpression().Replace(value, m => setting(m.Groups[1].Value)
            ?? throw new InvalidOperationException($"'{m.Value}' does not resolve to a value: the app setting {m.Groups[1].Value} is not set"));
    }

    /// <summary>The next time a schedule fires after <paramref name="after"/>: NCRONTAB with six fields (seconds first), or a TimeSpan interval.</summary>
    public static DateTime NextOccurrence(string schedule, DateTime after)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!schedule.Contains(' ', StringComparison.Ordinal) && TimeSpan.TryParse(schedule, System.Globalization.CultureInfo.InvariantCulture, out var interval))
        {
            return after + interval;
        }

        return CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true }).GetNextOccurrence(after);
    }

    /// <summary>Whether <paramref name="path"/> is this function's route; its route values go into <paramref name="values"/>.</summary>
    public bool MatchesPath(PathString path, RouteValueDictionary values)
    {
        if (Route is null)
        {
            return false;
        }

        _matcher ??= new TemplateMatcher(TemplateParser.Parse(Route), []);
        return _matcher.TryMatch(path, values);
    }

    public bool Allows(string method) => Methods is null || Methods.Contains(method);

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingExpression();
}
