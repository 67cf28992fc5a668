namespace ElevenLabs.Functions.Tests.Support;

/// <summary>How the Key Vault stand-in answers.</summary>
public enum VaultBehaviour
{
    Normal,
    Forbidden,
    Throttled,
    Slow,
    Down,
}
