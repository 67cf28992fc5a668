using System.ComponentModel;
using System.Globalization;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Where sessions are kept: the values of <c>Sessions:Store</c>.</summary>
[TypeConverter(typeof(SessionStoreKindConverter))]
public enum SessionStoreKind
{
    /// <summary>Firestore when anything about Firestore is configured, else in memory.</summary>
    Auto,

    /// <summary>In this process only: lost on restart (a start-up warning says so).</summary>
    InMemory,

    Firestore,
}

/// <summary>
/// Reads <c>Sessions:Store</c> by name, ignoring case; blank is <see cref="SessionStoreKind.Auto"/>. Any other text
/// (numbers too) becomes a value outside the enum, which <see cref="SessionsOptionsValidator"/> reports at start
/// together with every other wrong setting (the binder would otherwise throw on its own, naming no one setting plainly).
/// </summary>
internal sealed class SessionStoreKindConverter() : EnumConverter(typeof(SessionStoreKind))
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text)
        {
            return base.ConvertFrom(context, culture, value);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return SessionStoreKind.Auto;
        }

        foreach (var kind in Enum.GetValues<SessionStoreKind>())
        {
            if (string.Equals(kind.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return (SessionStoreKind)(-1);
    }
}
