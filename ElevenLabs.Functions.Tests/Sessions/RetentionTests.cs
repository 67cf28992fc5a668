using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Hosting;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Sessions;

/// <summary>
/// <c>Sessions:RetentionDays</c> over HTTP against the Firestore and ElevenLabs stand-ins on a fake clock: every write path
/// (create and its daily count, a fresh signed URL, end, the webhook with a transcript split into parts, an unmatched
/// call, the reconcile pass, the idle sweep) leaves <c>expireAt</c> on every document it wrote when retention is set, at
/// the documented moment, and none at all when it is off. Asserted on the documents the stand-in holds. The timer run
/// erases each session once its <c>expireAt</c> has passed, and no sooner, in Firestore and in memory, with a
/// <c>DELETE</c> of its conversation at ElevenLabs; off, it erases nothing, even a session that carries an old expiry.
/// </summary>
[TestFixture]
public sealed class RetentionTests
{
    private const string Project = "replit-4f946";
    private const string Documents = $"projects/{Project}/databases/(default)/documents/";
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly string _secret = WebhookSigner.NewSecret();
    private FirestoreRig _rig = null!;
    private FakeTimeProvider _time = null!;
    private AppHost _app = null!;

    [SetUp]
    public async Task StartStandInsAsync()
    {
        _rig = await FirestoreRig.StartAsync();
        _rig.ElevenLabs.IssueFreshConversationIds();
        _time = new FakeTimeProvider(Start);
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _rig.DisposeAsync();
    }

    [Test]
    public async Task WithRetentionEveryDocumentOfEveryWritePathCarriesItsExpiry()
    {
        await StartAppAsync(("Sessions:RetentionDays", "30"));

        var written = await WriteThroughEveryPathAsync();

        var documents = AllDocuments();
        Assert.That(documents.Where(d => d.Value["expireAt"]?["timestampValue"] is null).Select(d => d.Key), Is.Empty,
            "every document written carries expireAt as a Firestore timestamp");
        foreach (var id in written.Sessions)
        {
            var session = documents[$"conversation-sessions/{id}"];
            Assert.That(Time(session["updatedAt"]), Is.GreaterThan(Start), "the session was written after its creation");
            Assert.That(Time(session["expireAt"]), Is.EqualTo(Time(session["createdAt"]) + TimeSpan.FromDays(30)),
                $"session {id}: 30 days after its creation, however often it was written since");
            var below = documents.Where(d => d.Key.StartsWith($"conversation-sessions/{id}/", StringComparison.Ordinal)).ToList();
            Assert.That(below, id == written.Sessions[^1] ? Is.Empty : Is.Not.Empty, $"session {id}: a call, except the one swept as idle");
            Assert.That(below.Select(d => (d.Key, Time(d.Value["expireAt"]))), Is.All.Matches<(string, DateTimeOffset At)>(d => d.At == Time(session["expireAt"])),
                $"session {id}: its calls and transcript parts expire with it");
        }

        Assert.That(documents.Keys.Count(k => k.Contains("/transcript/", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(2), "the split transcript's parts");
        var unmatched = documents[$"elevenlabs-unmatched-calls/{written.Unmatched}"];
        Assert.That(Time(unmatched["expireAt"]), Is.EqualTo(Time(unmatched["receivedAt"]) + TimeSpan.FromDays(30)), "an unmatched call: 30 days after it came");
        var usage = documents.Where(d => d.Key.StartsWith("elevenlabs-conversation-usage/", StringComparison.Ordinal)).ToList();
        Assert.That(usage, Is.Not.Empty, "the daily counts");
        Assert.That(usage.Select(d => Time(d.Value["expireAt"])), Is.All.EqualTo(new DateTimeOffset(2026, 12, 28, 0, 0, 0, TimeSpan.Zero)),
            "a daily count: 30 days after its day (2026-11-27, UTC) ends");
    }

    [Test]
    public async Task WithoutRetentionNoDocumentCarriesAnExpiry()
    {
        await StartAppAsync();

        await WriteThroughEveryPathAsync();

        var documents = AllDocuments();
        Assert.That(documents.Keys.Count(k => k.Contains("/transcript/", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(2));
        Assert.That(documents.Keys.Count(k => k.StartsWith("elevenlabs-conversation-usage/", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(1));
        Assert.That(documents.Where(d => d.Value.ContainsKey("expireAt")).Select(d => d.Key), Is.Empty, "off: no expiry field anywhere");
    }

    [TestCase("Firestore")]
    [TestCase("InMemory")]
    public async Task TheTimerErasesEachSessionOnceItsRetentionHasPassedAndNoSooner(string store)
    {
        await StartAppAsync(("Sessions:RetentionDays", "30"), ("Sessions:Store", store));
        var (first, firstCall) = await CreateSessionAsync();
        Assert.That(await DeliverAsync(ElevenLabsEvents.Transcription(firstCall)), Is.EqualTo(200));
        _rig.ElevenLabs.StoreConversation(firstCall);
        _time.Advance(TimeSpan.FromDays(20));
        var (second, secondCall) = await CreateSessionAsync();
        _rig.ElevenLabs.StoreConversation(secondCall);

        _time.Advance(TimeSpan.FromDays(10) - TimeSpan.FromMinutes(1));
        var before = await Sweeper.RunAsync();
        Assert.That(before.Expirations, Is.Empty, "a minute before its 30 days are over, nothing is erased");
        Assert.That(_rig.ElevenLabs.DeletedConversations, Is.Empty);

        _time.Advance(TimeSpan.FromMinutes(2));
        var run = await Sweeper.RunAsync();

        Assert.That(run.Expirations, Is.EqualTo(new[] { (first, (SessionErasure?)new SessionErasure(first, 1, 0, 1, 0)) }),
            "the first session: its conversation at ElevenLabs and its call (a short transcript: no parts)");
        Assert.That(_rig.ElevenLabs.DeletedConversations, Is.EqualTo(new[] { firstCall }));
        Assert.That(_rig.ElevenLabs.HasConversation(secondCall), Is.True);
        var (gone, _, _) = await _app.PostAsync(new { action = "get_session", conversationId = first });
        Assert.That(gone, Is.EqualTo(404), "erased");
        await PostOkAsync(new { action = "get_session", conversationId = second });
        if (store == "Firestore")
        {
            Assert.That(AllDocuments().Keys.Where(k => k.StartsWith($"conversation-sessions/{first}", StringComparison.Ordinal)), Is.Empty,
                "no session, call or transcript part document left");
        }

        _time.Advance(TimeSpan.FromDays(20));
        var later = await Sweeper.RunAsync();
        Assert.That(later.Expirations.Select(e => (e.ConversationId, e.Erasure?.Conversations)), Is.EqualTo(new[] { (second, (int?)1) }));
        Assert.That(_rig.ElevenLabs.HasConversation(secondCall), Is.False);
    }

    [Test]
    public async Task WithoutRetentionTheTimerErasesNothingEvenASessionCarryingAnOldExpiry()
    {
        await StartAppAsync();
        var (id, call) = await CreateSessionAsync();
        _rig.ElevenLabs.StoreConversation(call);
        // Written while retention was on, long ago.
        _rig.Firestore.Document(Project, "conversation-sessions", id)!["expireAt"] = new JsonObject { ["timestampValue"] = SweepApp.Timestamp(Start.AddDays(-1)) };

        _time.Advance(TimeSpan.FromDays(400));
        var run = await Sweeper.RunAsync();

        Assert.That(run.Expirations, Is.Empty);
        Assert.That(_rig.ElevenLabs.DeletedConversations, Is.Empty, "no DELETE at ElevenLabs");
        Assert.That(_rig.ElevenLabs.HasConversation(call), Is.True);
        Assert.That(AllDocuments().ContainsKey($"conversation-sessions/{id}"), Is.True, "the session is kept (Firestore's TTL is the only one to delete it)");
    }

    [TestCase(-1)]
    [TestCase(3651)]
    public void ARetentionOutOfRangeIsRefusedNamingTheSetting(int days) =>
        Assert.That(new SettingsValidator<SessionsOptions, SessionsOptionsValidator>().Validate(null, new SessionsOptions { RetentionDays = days }).Failures,
            Is.EqualTo(new[] { "Sessions:RetentionDays must be between 0 and 3650." }));

    private async Task StartAppAsync(params (string Key, string? Value)[] settings) =>
        _app = await AppHost.StartAsync(
            _rig.Settings([("Sessions:SweepInterval", "00:00:00"), ("ElevenLabs:MaxRetries", "0"), ("ElevenLabs:WebhookSecret", _secret), .. settings]),
            builder => builder.Services.AddSingleton<TimeProvider>(_time));

    /// <summary>
    /// Three sessions created at <see cref="Start"/> (counted for the day), then: one given a fresh signed URL and swept as
    /// idle, one ended by its client and its call stored by the reconcile pass, one's call delivered by the webhook with a
    /// transcript of several parts; and a call no session matches.
    /// </summary>
    private async Task<(IReadOnlyList<string> Sessions, string Unmatched)> WriteThroughEveryPathAsync()
    {
        var (byWebhook, webhookCall) = await CreateSessionAsync();
        var (byReconcile, reconcileCall) = await CreateSessionAsync();
        var (bySweep, _) = await CreateSessionAsync();

        _time.Advance(TimeSpan.FromMinutes(5));
        await PostOkAsync(new { action = "get_signed_url", conversationId = bySweep });
        await PostOkAsync(new { action = "end_session", conversationId = byReconcile });
        var message = string.Concat(Enumerable.Repeat("Ich habe die Abrechnung neu gebaut – 面接. ", 100)); // ~4.6 KB
        var turns = Enumerable.Range(0, 300).Select(i => (i % 2 == 0 ? "agent" : "user", $"{i}: {message}")).ToList();
        Assert.That(await DeliverAsync(ElevenLabsEvents.Transcription(webhookCall, turns: turns)), Is.EqualTo(200));
        var unmatched = "conv_" + Guid.NewGuid().ToString("N");
        Assert.That(await DeliverAsync(ElevenLabsEvents.Transcription(unmatched)), Is.EqualTo(200));

        _rig.ElevenLabs.StoreConversation(reconcileCall, "done", startedAt: Start.AddMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(15));
        var reconciled = await Sweeper.RunAsync();
        Assert.That(reconciled.Calls, Does.Contain((byReconcile, reconcileCall, ReconcileOutcome.Recovered)));

        _time.Advance(TimeSpan.FromHours(3));
        var swept = await Sweeper.RunAsync();
        Assert.That(swept.Sessions, Does.Contain((bySweep, SweepOutcome.Expired)));
        Assert.That(AllDocuments()[$"conversation-sessions/{bySweep}"]["status"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("expired"));
        return ([byWebhook, byReconcile, bySweep], unmatched);
    }

    private SessionSweeper Sweeper => _app.Services.GetRequiredService<SessionSweeper>();

    private async Task<(string Id, string ElevenLabsId)> CreateSessionAsync()
    {
        var body = await PostOkAsync(new { action = "create_session", userId = "user123", candidateId = "candidate456" });
        return (body["conversationId"]!.GetValue<string>(), _rig.ElevenLabs.IssuedConversationIds[^1]);
    }

    private async Task<JsonObject> PostOkAsync(object request)
    {
        var (status, body, _) = await _app.PostAsync(request);
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        return body;
    }

    private async Task<int> DeliverAsync(JsonObject @event)
    {
        var body = ElevenLabsEvents.Bytes(@event);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, WebhookSigner.Header(_secret, _time.GetUtcNow(), body));
        using var response = await _app.Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>Every document the stand-in holds, by its path below the documents root.</summary>
    private Dictionary<string, JsonObject> AllDocuments() =>
        _rig.Firestore.Documents.ToDictionary(d => d.Key.StartsWith(Documents, StringComparison.Ordinal) ? d.Key[Documents.Length..] : d.Key, d => d.Value.Fields);

    private static DateTimeOffset Time(JsonNode? field) =>
        DateTimeOffset.Parse(field?["timestampValue"]?.GetValue<string>() ?? throw new AssertionException($"not a timestamp: {field?.ToJsonString()}"),
            CultureInfo.InvariantCulture);
}
