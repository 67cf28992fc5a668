using System.ComponentModel;
using ElevenLabs.Functions.Hosting;

namespace ElevenLabs.Functions.Sessions;

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
