namespace ElevenLabs.Functions.Tests.Support;

/// <summary>Google's Firestore emulator at <c>FIRESTORE_EMULATOR_HOST</c>; without one, the fixture is skipped and says why.</summary>
public sealed class FirestoreEmulator : IStandIns<FirestoreEmulator>
{
    private FirestoreEmulator(string hostAndPort) => HostAndPort = hostAndPort;

    public string HostAndPort { get; }

    public static Task<FirestoreEmulator> StartAsync()
    {
        var emulator = Environment.GetEnvironmentVariable("FIRESTORE_EMULATOR_HOST");
        if (string.IsNullOrWhiteSpace(emulator))
        {
            const string reason = "FIRESTORE_EMULATOR_HOST is not set: the store contract against Google's Firestore emulator was skipped "
                + "(the emulator is not installable here; the same contract ran against the REST stand-in).";
            TestContext.Progress.WriteLine("SKIPPED: " + reason);
            Assert.Ignore(reason);
        }

        return Task.FromResult(new FirestoreEmulator(emulator));
    }

    public Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra) =>
        new Dictionary<string, string?>
        {
            ["FIRESTORE_EMULATOR_HOST"] = HostAndPort,
            ["Firestore:ProjectId"] = "demo-elevenlabs-tests",
            // The emulator keeps documents until it stops: a collection of this run's own keeps queries to this run.
            ["Firestore:Collection"] = "conversation-sessions-" + Guid.NewGuid().ToString("N"),
            ["Firestore:UsageCollection"] = "conversation-usage-" + Guid.NewGuid().ToString("N"),
        }.With(Support.Settings.LimitsOutOfTheWay).With(extra);

    /// <summary>The emulator has no faults to clear.</summary>
    public void Reset()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
