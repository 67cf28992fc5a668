using System.ComponentModel.DataAnnotations;

namespace ElevenLabs.Functions.Sessions;

/// <summary>Settings of the <c>Sessions</c> section.</summary>
public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    /// <summary>
    /// <c>Sessions:Store</c>: <c>Auto</c> (Firestore when anything about Firestore is configured, else in memory),
    /// <c>InMemory</c> or <c>Firestore</c>.
    /// </summary>
    [RegularExpression("^(?i:auto|inmemory|firestore)$", ErrorMessage = "Sessions:Store must be Auto, InMemory or Firestore.")]
    public string Store { get; set; } = "Auto";
}
