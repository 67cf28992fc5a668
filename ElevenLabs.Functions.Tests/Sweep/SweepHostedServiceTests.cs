using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Tests.Firestore;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Sweep;

/// <summary>Self-hosted, the sweep runs on a timer of the app's clock every <c>Sessions:SweepInterval</c>; a fake clock drives it here.</summary>
[TestFixture]
public sealed class SweepHostedServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private const string RunLine = "Sweep of idle sessions:";

    private FirestoreRig _rig = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _rig = await FirestoreRig.StartAsync();
        _time = new FakeTimeProvider(Start);
    }

    [TearDown]
    public async Task StopAsync() => await _rig.DisposeAsync();

    private Task<AppHost> StartAppAsync(string interval) =>
        AppHost.StartAsync(_rig.Settings(("Sessions:SweepInterval", interval)), b => b.Services.AddSingleton<TimeProvider>(_time));

    [Test]
    public async Task TheSweepRunsOnceEveryIntervalOfTheAppsClock()
    {
        await using var app = await StartAppAsync("00:15:00");
        var store = app.Services.GetRequiredService<ISessionStore>();
        var idle = SampleSession.Create() with { CreatedAt = Start.AddHours(-3), UpdatedAt = Start.AddHours(-3) };
        await store.CreateAsync(idle);

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.That((await store.GetAsync(idle.ConversationId))!.Session.Status, Is.EqualTo(SessionStatus.Active), "not before the first interval");
        Assert.That(Runs(app), Is.Empty);

        _time.Advance(TimeSpan.FromMinutes(1));
        var first = await NextRunAsync(app, 1);
        var fresh = SampleSession.Create() with { CreatedAt = Start.AddHours(-2).AddMinutes(-30), UpdatedAt = Start.AddHours(-2).AddMinutes(-30) };
        await store.CreateAsync(fresh);
        _time.Advance(TimeSpan.FromMinutes(15));
        var second = await NextRunAsync(app, 2);

        Assert.That(first, Does.Contain("1 found").And.Contain("1 expired"));
        Assert.That((await store.GetAsync(idle.ConversationId))!.Session.Status, Is.EqualTo(SessionStatus.Expired));
        Assert.That(second, Does.Contain("1 found").And.Contain("1 expired"), "the second run takes what idled since");
        Assert.That((await store.GetAsync(fresh.ConversationId))!.Session.Status, Is.EqualTo(SessionStatus.Expired));
    }

    [Test]
    public async Task AFailedRunIsLoggedAndTheNextOneComes()
    {
        await using var app = await StartAppAsync("00:15:00");
        _rig.Firestore.Indexes = new System.Text.Json.Nodes.JsonObject { ["indexes"] = new System.Text.Json.Nodes.JsonArray() };

        _time.Advance(TimeSpan.FromMinutes(15));
        await NextErrorAsync(app, "The sweep of idle sessions failed");
        _rig.Firestore.Indexes = FirestoreRig.DeployedIndexes();
        _time.Advance(TimeSpan.FromMinutes(15));
        var next = await NextRunAsync(app, 1);

        Assert.That(next, Does.Contain("0 found"));
    }

    [Test]
    public async Task AnIntervalOfZeroTurnsTheSweepOff()
    {
        await using var app = await StartAppAsync("00:00:00");
        var store = app.Services.GetRequiredService<ISessionStore>();
        var idle = SampleSession.Create() with { CreatedAt = Start.AddHours(-3), UpdatedAt = Start.AddHours(-3) };
        await store.CreateAsync(idle);

        _time.Advance(TimeSpan.FromDays(1));

        Assert.That(app.LogMessages(LogLevel.Information), Has.Some.EqualTo("The sweep of idle sessions is off (Sessions:SweepInterval is 00:00:00)"));
        Assert.That((await store.GetAsync(idle.ConversationId))!.Session.Status, Is.EqualTo(SessionStatus.Active));
        Assert.That(Runs(app), Is.Empty);
    }

    private static IReadOnlyList<string> Runs(AppHost app) =>
        [.. app.LogMessages(LogLevel.Information).Where(m => m.StartsWith(RunLine, StringComparison.Ordinal))];

    /// <summary>Waits for the <paramref name="count"/>th run's summary line (a guard stops a hang; it measures nothing).</summary>
    private static async Task<string> NextRunAsync(AppHost app, int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = 0;
        await foreach (var record in app.Services.GetFakeLogCollector().GetLogsAsync(guard.Token))
        {
            if (record.Message.StartsWith(RunLine, StringComparison.Ordinal) && ++seen == count)
            {
                return record.Message;
            }
        }

        throw new AssertionException("unreachable");
    }

    private static async Task NextErrorAsync(AppHost app, string text)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var record in app.Services.GetFakeLogCollector().GetLogsAsync(guard.Token))
        {
            if (record.Level == LogLevel.Error && record.Message.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
        }
    }
}
