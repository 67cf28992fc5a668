using System.ComponentModel;
using System.Globalization;

namespace ElevenLabs.Functions.Hosting;

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
