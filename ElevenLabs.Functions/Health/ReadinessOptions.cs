namespace ElevenLabs.Functions.Health;

/// <summary>Section <c>Readiness</c>.</summary>
public sealed class ReadinessOptions
{
    public const string Section = "Readiness";

    /// <summary>
    /// Run the readiness checks once when the app starts, in the background (default true): the first request then
    /// finds the key read, the Google token fetched and connections open, and a broken dependency is logged at start.
    /// </summary>
    public bool CheckAtStart { get; set; } = true;
}
