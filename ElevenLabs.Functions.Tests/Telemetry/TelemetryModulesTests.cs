using System.Diagnostics;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Telemetry;

/// <summary>
/// Reporting to Application Insights (the ingestion stand-in), Live Metrics runs only when
/// <c>ApplicationInsights:LiveMetrics</c> asks for it: by default the app does not ping the live endpoint. Under both hosts.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class TelemetryModulesTests(HostKind host)
{
    [Test]
    public async Task LiveMetricsPingsOnlyWhenAskedFor()
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var asked = await ApplicationInsightsStandIn.StartAsync();
        await using var byDefault = await ApplicationInsightsStandIn.StartAsync();
        var clock = Stopwatch.StartNew();
        await using (await AppHost.StartAsync(host, Settings.For(elevenLabs,
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", asked.ConnectionString), ("ApplicationInsights:LiveMetrics", "true"))))
        {
            while (asked.LiveRequests == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }

        var untilFirstPing = clock.Elapsed;
        await using (await AppHost.StartAsync(host, Settings.For(elevenLabs, ("APPLICATIONINSIGHTS_CONNECTION_STRING", byDefault.ConnectionString))))
        {
            await Task.Delay(untilFirstPing * 2); // twice as long as the app that was asked took to ping
        }

        Assert.That(asked.LiveRequests, Is.GreaterThan(0), "with ApplicationInsights:LiveMetrics=true the live endpoint is pinged");
        Assert.That(byDefault.LiveRequests, Is.Zero, $"by default nothing is sent to the live endpoint (waited {untilFirstPing.TotalSeconds * 2:F1} s)");
    }

    /// <summary>
    /// At stop the app sends what its channel holds. With Application Insights' logger in play (the default: Warning
    /// lines, such as the open-access warning at start) that was lost before TelemetryFlushOnStop, under both hosts;
    /// with only errors as traces the logger is never made and the channel's own disposal sent it.
    /// </summary>
    [TestCase(null)]
    [TestCase("Error")]
    public async Task WhatTheChannelHoldsIsSentWhenTheAppStops(string? traceLevel)
    {
        using var elevenLabs = new ElevenLabsStandIn();
        await using var insights = await ApplicationInsightsStandIn.StartAsync();
        var app = await AppHost.StartAsync(host, Settings.For(elevenLabs,
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", insights.ConnectionString), ("Logging:ApplicationInsights:LogLevel:Default", traceLevel)));
        var (status, _, _) = await app.PostAsync(new { action = "create_session", userId = "u" });

        await app.DisposeAsync(); // without it the channel sends its buffer 30 s later (checked: nothing within 10 s)
        var clock = Stopwatch.StartNew();
        while (!insights.Items.Any(i => i.BaseType == "EventData" && i.Name == "SessionCreated") && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.That(status, Is.EqualTo(200));
        Assert.That(insights.Items.Select(i => i.Name), Has.Some.EqualTo("SessionCreated"), "the create's event reached Application Insights at stop");
    }
}
