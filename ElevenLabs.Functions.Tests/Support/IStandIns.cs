namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// What a fixture's app runs against (loopback stand-ins, or Google's emulator): started once per fixture, reset
/// to normal before each test, and the app settings that point at it.
/// </summary>
public interface IStandIns<TSelf> : IAsyncDisposable where TSelf : IStandIns<TSelf>
{
    static abstract Task<TSelf> StartAsync();

    /// <summary>The app's settings for these stand-ins, with <paramref name="extra"/> on top.</summary>
    Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra);

    /// <summary>Back to normal behaviour: no injected faults, the original keys.</summary>
    void Reset();
}
