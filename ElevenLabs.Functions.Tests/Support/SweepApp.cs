using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Sweep;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// The app with its sweep on its trigger, under either host, on the Firestore and ElevenLabs stand-ins and Application
/// Insights' ingestion stand-in, and what a test reads from outside: the session documents, the run's log line, the
/// events sent. Sessions are idled by moving their <c>updatedAt</c> back in the Firestore stand-in. The trigger:
/// self-hosted the BackgroundService every <c>Sessions:SweepInterval</c> (15 minutes) of the app's clock, a fake one
/// moved by <see cref="TriggerAsync"/>; under the Functions host the timer function, run now through the host's admin
/// API (its own schedule, once a year, never fires here).
/// </summary>
public sealed class SweepApp : IAsyncDisposable
{
    public const string ProjectId = "replit-4f946";
    public const string RunLine = "Sweep of idle sessions:";
    public const string ReconcileLine = "Reconcile pass:";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);
    public const string OnceAYear = "0 0 0 1 1 *";
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private SweepApp(FirestoreRig rig, ApplicationInsightsStandIn insights, FakeTimeProvider? time, AppHost app)
    {
        Rig = rig;
        Insights = insights;
        Time = time;
        App = app;
    }

    public FirestoreRig Rig { get; }
    public ApplicationInsightsStandIn Insights { get; }
    public AppHost App { get; }

    /// <summary>The self-hosted app's clock (null under the Functions host, whose clock is the real one).</summary>
    public FakeTimeProvider? Time { get; }

    public HostKind Host => App.Kind;

    /// <summary>The app's now.</summary>
    public DateTimeOffset Now => Time?.GetUtcNow() ?? DateTimeOffset.UtcNow;

    public static async Task<SweepApp> StartAsync(HostKind host, string interval = "00:15:00", string schedule = OnceAYear, params (string Key, string? Value)[] extra)
    {
        var rig = await FirestoreRig.StartAsync();
        rig.ElevenLabs.IssueFreshConversationIds();
        var insights = await ApplicationInsightsStandIn.StartAsync();
        try
        {
            // The resilience pipeline's back-off runs on the app's clock, which self-hosted only the test moves: no
            // retries, so a failure is final at once.
            var settings = rig.Settings([("Sessions:SweepInterval", interval), (SessionsOptions.SweepScheduleSetting, schedule),
                ("ElevenLabs:MaxRetries", "0"), ("APPLICATIONINSIGHTS_CONNECTION_STRING", insights.ConnectionString), .. extra]);
            var time = host == HostKind.SelfHosted ? new FakeTimeProvider(Start) : null;
            var app = time is null ? await AppHost.StartAsync(host, settings) : await AppHost.StartAsync(settings, b => b.Services.AddSingleton<TimeProvider>(time));
            return new SweepApp(rig, insights, time, app);
        }
        catch
        {
            await insights.DisposeAsync();
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>A session made over HTTP, as a client makes it, and its ElevenLabs conversation id.</summary>
    public async Task<(string Id, string ElevenLabsId)> CreateSessionAsync()
    {
        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId = "user123", candidateId = "candidate456" });
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        return (body["conversationId"]!.GetValue<string>(), Rig.ElevenLabs.IssuedConversationIds[^1]);
    }

    public JsonObject Document(string id) => Rig.Firestore.Document(ProjectId, "conversation-sessions", id)!;

    /// <summary>The document's update time as Firestore keeps it (what a conditional write checks).</summary>
    public string UpdateTime(string id) => Rig.Firestore.Documents[$"projects/{ProjectId}/databases/(default)/documents/conversation-sessions/{id}"].UpdateTime;

    public string? Field(string id, string name) => Document(id)[name] is JsonObject value
        ? (value["stringValue"] ?? value["timestampValue"] ?? value["integerValue"])?.GetValue<string>()
        : null;

    public string Status(string id) => Field(id, "status")!;

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Idles a session: its last update <paramref name="idleFor"/> before the app's now.</summary>
    public void Idle(string id, TimeSpan idleFor) => Document(id)["updatedAt"] = new JsonObject { ["timestampValue"] = Timestamp(Now - idleFor) };

    /// <summary>The run lines so far.</summary>
    public IReadOnlyList<string> Runs => [.. App.LogMessages(LogLevel.Information).Where(m => m.StartsWith(RunLine, StringComparison.Ordinal))];

    /// <summary>The reconcile pass's lines so far (each run ends with one).</summary>
    public IReadOnlyList<string> Reconciles => [.. App.LogMessages(LogLevel.Information).Where(m => m.StartsWith(ReconcileLine, StringComparison.Ordinal))];

    /// <summary>Fires the trigger once and returns the run's line (the <paramref name="run"/>th so far), once the run ended.</summary>
    public async Task<string> SweepAsync(int run = 1)
    {
        await TriggerAsync();
        await RunEndedAsync(run);
        return Runs[run - 1];
    }

    /// <summary>Waits for the <paramref name="run"/>th run to end: its idle sweep's line, then its reconcile pass's.</summary>
    public async Task RunEndedAsync(int run = 1) =>
        await WaitAsync(() => Runs.Count >= run && Reconciles.Count >= run, $"run {run}'s lines:\n{App.LogText()}");

    /// <summary>
    /// Fires the sweep's trigger once: self-hosted one interval of the app's clock; under the Functions host the admin
    /// API's run-now, returning once the invocation ended unless <paramref name="wait"/> is false.
    /// </summary>
    public async Task TriggerAsync(bool wait = true)
    {
        if (Time is not null)
        {
            Time.Advance(Interval);
            return;
        }

        var functions = (FunctionsHostStandIn)App;
        var before = functions.Invocations.Count(i => i.FunctionName == SweepFunction.Name);
        using var admin = new HttpClient { BaseAddress = App.BaseAddress };
        using var response = await admin.PostAsync("/admin/functions/" + SweepFunction.Name,
            new StringContent("""{"input":""}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the host's admin API runs the timer function now");
        if (wait)
        {
            await WaitAsync(() => functions.Invocations.Count(i => i.FunctionName == SweepFunction.Name) > before, "the timer function's invocation");
        }
    }

    /// <summary>Waits for <paramref name="done"/> (bounded: a guard against a hang, not a measurement).</summary>
    public static async Task WaitAsync(Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                Assert.Fail("waited 60 s for " + what);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the app (its channel sends what it holds) and returns the events named <paramref name="name"/> that reached ingestion.</summary>
    public async Task<List<TelemetryItem>> EventsAfterStopAsync(string name)
    {
        await App.DisposeAsync();
        return [.. Insights.Items.Where(i => i.BaseType == "EventData" && i.Name == name)];
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Insights.DisposeAsync();
        await Rig.DisposeAsync();
    }
}
