using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace ElevenLabs.Functions.Hosting;

/// <summary>
/// The checks DataAnnotations lacks or the <c>[OptionsValidator]</c> generator words its own way (its <c>[Range]</c>
/// ignores <c>ErrorMessage</c>). Each message names the setting as it is configured, <c>Section:Key</c>: the options
/// class's <c>Section</c> constant and the property's name.
/// </summary>
public abstract class SettingAttribute : ValidationAttribute
{
    protected abstract bool IsValidSetting(object? value);

    /// <summary>What follows the setting's name, e.g. "must be between 0 and 10.".</summary>
    protected abstract string Rule { get; }

    protected sealed override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsValidSetting(value) ? ValidationResult.Success : new ValidationResult($"{Setting(validationContext)} {Rule}");

    private static string Setting(ValidationContext context)
    {
        var section = context.ObjectType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
        return section is null ? context.MemberName ?? context.DisplayName : $"{section}:{context.MemberName}";
    }
}

/// <summary>An <c>int</c> or <c>TimeSpan</c> setting between two bounds, inclusive.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRangeAttribute : SettingAttribute
{
    private readonly IComparable _min;
    private readonly IComparable _max;

    public SettingRangeAttribute(int min, int max) => (_min, _max, Rule) = (min, max, $"must be between {min} and {max}.");

    /// <summary>Bounds in TimeSpan's invariant format, e.g. "00:00:00.1" and "1.00:00:00".</summary>
    public SettingRangeAttribute(string min, string max)
    {
        var (low, high) = (TimeSpan.Parse(min, CultureInfo.InvariantCulture), TimeSpan.Parse(max, CultureInfo.InvariantCulture));
        (_min, _max, Rule) = (low, high, $"must be between {Text(low)} and {Text(high)}.");
    }

    protected override string Rule { get; }

    protected override bool IsValidSetting(object? value) => value is IComparable v && v.CompareTo(_min) >= 0 && v.CompareTo(_max) <= 0;

    /// <summary>"0", "00:00:00.1", "00:01:00": as short as the setting would be written.</summary>
    private static string Text(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0";
        }

        // "c" is [d.]hh:mm:ss[.fffffff]: only a fraction (a '.' after the last ':') loses its trailing zeros.
        var text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0') : text;
    }
}

/// <summary>An absolute http or https URL (a <c>Uri</c> setting; null when the setting is optional and absent).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HttpUrlAttribute : SettingAttribute
{
    /// <summary>Null passes: the setting is optional.</summary>
    public bool Optional { get; init; }

    protected override string Rule => "must be an absolute http(s) URL.";

    protected override bool IsValidSetting(object? value) => value switch
    {
        null => Optional,
        Uri uri => IsHttpUrl(uri),
        _ => false,
    };

    public static bool IsHttpUrl(Uri? uri) => uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

/// <summary>
/// Reads a setting into <typeparamref name="T"/> by name, ignoring case; blank is the enum's default. Any other text
/// (numbers too) becomes a value outside the enum, which the section's validator reports at start together with every
/// other wrong setting (the binder would otherwise throw on its own, naming no setting plainly).
/// </summary>
internal sealed class LenientEnumConverter<T>() : EnumConverter(typeof(T))
    where T : struct, Enum
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text)
        {
            return base.ConvertFrom(context, culture, value);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return default(T);
        }

        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return Enum.ToObject(typeof(T), -1);
    }
}
