using System.Text.Json.Nodes;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Sweep;

/// <summary>
/// The sweep's trigger, under both hosts (<see cref="SweepApp"/>): self-hosted the BackgroundService every
/// <c>Sessions:SweepInterval</c> of the app's clock; under the Functions host the timer function, fired by the stand-in
/// host through its admin API or on the NCRONTAB schedule it resolved from <c>%Sessions:SweepSchedule%</c>.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class SweepTriggerTests(HostKind host)
{
    [Test]
    public async Task EachTriggerRunsTheSweepWhichTakesWhatIdledSince()
    {
        await using var sweep = await SweepApp.StartAsync(host);
        var (idle, _) = await sweep.CreateSessionAsync();
        sweep.Idle(idle, TimeSpan.FromHours(3));

        sweep.Time?.Advance(TimeSpan.FromMinutes(14));
        Assert.That(sweep.Status(idle), Is.EqualTo("active"), "not before the trigger");
        Assert.That(sweep.Runs, Is.Empty);

        var first = await sweep.SweepAsync(1);
        var (fresh, _) = await sweep.CreateSessionAsync();
        sweep.Idle(fresh, TimeSpan.FromHours(2) + TimeSpan.FromMinutes(30));
        var second = await sweep.SweepAsync(2);

        Assert.That(first, Does.Contain("1 found").And.Contain("1 expired"));
        Assert.That(sweep.Status(idle), Is.EqualTo("expired"));
        Assert.That(second, Does.Contain("1 found").And.Contain("1 expired"), "the second run takes what idled since");
        Assert.That(sweep.Status(fresh), Is.EqualTo("expired"));
    }

    [Test]
    public async Task AFailedRunIsReportedAndTheNextOneComes()
    {
        await using var sweep = await SweepApp.StartAsync(host);
        sweep.Rig.Firestore.Indexes = new JsonObject { ["indexes"] = new JsonArray() }; // the idle query needs the composite index

        await sweep.TriggerAsync();
        if (host == HostKind.SelfHosted)
        {
            await SweepApp.WaitAsync(() => sweep.App.LogLines().Any(l => l.Level == LogLevel.Error && l.Message.Contains("The sweep of idle sessions failed", StringComparison.Ordinal)),
                "the failed run's error line");
        }
        else
        {
            // The timer function fails its invocation: the host records the exception (and runs it again on schedule).
            var failed = ((FunctionsHostStandIn)sweep.App).Invocations.Last(i => i.FunctionName == SweepFunction.Name);
            Assert.That(failed.Succeeded, Is.False, "the invocation reports the failure to the host");
            Assert.That(failed.Exception, Does.Contain("SessionStoreException"), failed.Exception);
        }

        sweep.Rig.Firestore.Indexes = FirestoreRig.DeployedIndexes();
        var next = await sweep.SweepAsync(1);

        Assert.That(next, Does.Contain("0 found"));
        if (host == HostKind.Functions)
        {
            Assert.That(((FunctionsHostStandIn)sweep.App).Invocations.Last(i => i.FunctionName == SweepFunction.Name).Succeeded, Is.True);
        }
    }

    [Test]
    public async Task AnIntervalOfZeroTurnsTheSelfHostedSweepOff()
    {
        if (host == HostKind.Functions)
        {
            Assert.Ignore("Self-hosted only: Sessions:SweepInterval is the self-host's timer; under the Functions host the host's schedule (%Sessions:SweepSchedule%) is the trigger");
        }

        await using var sweep = await SweepApp.StartAsync(host, interval: "00:00:00");
        var (idle, _) = await sweep.CreateSessionAsync();
        sweep.Idle(idle, TimeSpan.FromHours(3));

        sweep.Time!.Advance(TimeSpan.FromDays(1));

        Assert.That(sweep.App.LogMessages(LogLevel.Information), Has.Some.EqualTo("The sweep of idle sessions is off (Sessions:SweepInterval is 00:00:00)"));
        Assert.That(sweep.Status(idle), Is.EqualTo("active"));
        Assert.That(sweep.Runs, Is.Empty);
    }

    /// <summary>
    /// The host, not the worker, resolves <c>%Sessions:SweepSchedule%</c> from the app setting and fires the timer on it:
    /// with <c>Sessions__SweepSchedule</c> every 2 s, an idle session is expired with no one asking.
    /// </summary>
    [Test]
    public async Task TheHostFiresTheTimerOnTheScheduleOfTheAppSetting()
    {
        if (host == HostKind.SelfHosted)
        {
            Assert.Ignore("Functions host only: the NCRONTAB schedule is the Functions host's; self-hosted the interval is the trigger (EachTriggerRunsTheSweep... shows it)");
        }

        await using var sweep = await SweepApp.StartAsync(host, schedule: "*/2 * * * * *");
        var function = ((FunctionsHostStandIn)sweep.App).Functions.Single(f => f.Name == SweepFunction.Name);
        var (idle, _) = await sweep.CreateSessionAsync();
        sweep.Idle(idle, TimeSpan.FromHours(3));

        await SweepApp.WaitAsync(() => sweep.Status(idle) == "expired", "the scheduled run to expire the idle session");
        // The session is written midway through the run; the run's lines come after it (under the host over its log
        // stream): waiting for them is the check that the scheduled run ran to its end (it fails on a timeout).
        await sweep.RunEndedAsync();

        Assert.That(function.Schedule, Is.EqualTo("*/2 * * * * *"), "the schedule the host resolved from the app setting");
    }
}
