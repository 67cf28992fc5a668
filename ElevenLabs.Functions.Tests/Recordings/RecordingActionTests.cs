using System.Net;
using System.Security.Cryptography;
using System.Web;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Recordings;

/// <summary>
/// Recordings end to end over HTTP: the sweep's reconcile pass copies a finished call's recording from ElevenLabs'
/// audio endpoint (the stand-in) into Azurite, <c>get_results</c> says it is there, and <c>get_recording</c>'s link
/// plays its bytes in a client that trusts only Azurite's certificate, until it expires; recordings off and no
/// recording each answer their own 4xx.
/// </summary>
[TestFixture]
public sealed class RecordingActionTests
{
    private RecordingsRig _rig = null!;
    private InMemoryTelemetryChannel _telemetry = null!;
    private AppHost _app = null!;
    private AppHost _offApp = null!;
    private readonly string _secret = WebhookSigner.NewSecret();

    private Azurite Azurite => _rig.Azurite;
    private ElevenLabsStandIn ElevenLabs => _rig.ElevenLabs;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _rig = await RecordingsRig.StartAsync();
        _telemetry = new InMemoryTelemetryChannel();
        _app = await StartAppAsync(null, ("Recordings:BlobServiceUri", Azurite.ServiceUri.ToString()), ("ElevenLabs:WebhookSecret", _secret),
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", InMemoryTelemetryChannel.ConnectionString));
        _offApp = await StartAppAsync(null);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [SetUp]
    public void Reset()
    {
        ElevenLabs.Reset();
        ElevenLabs.IssueFreshConversationIds();
    }

    private Task<AppHost> StartAppAsync(TimeProvider? time, params (string Key, string? Value)[] settings) =>
        _rig.StartAppAsync(time, services => services.AddSingleton<ITelemetryChannel>(_telemetry),
            [("Sessions:SweepInterval", "00:00:00"), ("ElevenLabs:MaxRetries", "0"), .. settings]);

    private static async Task<(string Id, string ElevenLabsId)> CreateSessionAsync(AppHost app, ElevenLabsStandIn elevenLabs)
    {
        var (status, body, _) = await app.PostAsync(new { action = "create_session", userId = "user123" });
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        return (body["conversationId"]!.GetValue<string>(), elevenLabs.IssuedConversationIds[^1]);
    }

    [Test]
    public async Task TheReconcilePassCopiesTheRecordingFromTheRestEndpointAndTheLinkPlaysIt()
    {
        var (id, elevenLabsId) = await CreateSessionAsync(_app, ElevenLabs);
        var mp3 = RandomNumberGenerator.GetBytes(RecordingStore.BlockSize + 4321); // two blocks
        ElevenLabs.StoreConversation(elevenLabsId, "done", audio: mp3);

        var result = await _app.Services.GetRequiredService<SessionSweeper>().RunAsync();

        Assert.That(result.Calls, Does.Contain((id, elevenLabsId, ReconcileOutcome.Recovered)), "the fixture's other sessions may be pending too");
        var (_, results, _) = await _app.PostAsync(new { action = "get_results", conversationId = id });
        Assert.That(results["data"]!["calls"]![0]!["recordingAvailable"]!.GetValue<bool>(), Is.True, results.ToJsonString());

        var (status, answer, _) = await _app.PostAsync(new { action = "get_recording", conversationId = id });

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        Assert.That(answer["data"]!["elevenLabsConversationId"]!.GetValue<string>(), Is.EqualTo(elevenLabsId));
        Assert.That(answer["data"]!["contentType"]!.GetValue<string>(), Is.EqualTo("audio/mpeg"));
        var url = new Uri(answer["data"]!["url"]!.GetValue<string>());
        var expires = DateTimeOffset.Parse(answer["data"]!["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(expires - DateTimeOffset.UtcNow, Is.EqualTo(TimeSpan.FromMinutes(15)).Within(TimeSpan.FromMinutes(1)));
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.That((query["sp"], query["sr"], query["spr"]), Is.EqualTo(("r", "b", "https")), "read only, this blob, HTTPS");
        using var browser = new HttpClient(Azurite.TrustingHandler());
        using var played = await browser.GetAsync(url);
        Assert.That(played.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(played.Content.Headers.ContentType?.MediaType, Is.EqualTo("audio/mpeg"));
        Assert.That(await played.Content.ReadAsByteArrayAsync(), Is.EqualTo(mp3), "the link plays the MP3's bytes");
        Assert.That(_app.LogText(), Does.Not.Contain(query["sig"]!), "the link is never logged");
        _app.Services.GetRequiredService<TelemetryClient>().Flush();
        var stored = _telemetry.Items.OfType<EventTelemetry>().Single(e => e.Name == "RecordingStored" && e.Properties["ElevenLabsConversationId"] == elevenLabsId);
        Assert.That((stored.Properties["Source"], stored.Properties["Bytes"]), Is.EqualTo(("reconcile", mp3.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// The transcription came by webhook and the audio event never did: the call is stored, and the reconcile pass's
    /// next run (one timer period) copies the recording from ElevenLabs' audio endpoint; the run after that has nothing
    /// left to do for the call. Before, a call the webhook stored left the pending calls at once and its recording
    /// was never looked for.
    /// </summary>
    [Test]
    public async Task ARecordingWhoseAudioEventNeverCameIsCopiedByTheNextReconcileRunThoughTheTranscriptionCameByWebhook()
    {
        var (id, elevenLabsId) = await CreateSessionAsync(_app, ElevenLabs);
        var mp3 = RandomNumberGenerator.GetBytes(RecordingStore.BlockSize + 99);
        ElevenLabs.StoreConversation(elevenLabsId, "done", audio: mp3);
        var @event = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "post_call_transcription",
            ["event_timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = ElevenLabs.ConversationBody(elevenLabsId), // the REST answer's shape, has_audio true
        };
        var body = ElevenLabsEvents.Bytes(@event);
        using var request = WebhookSigner.Request(_secret, DateTimeOffset.UtcNow, body);
        using var delivered = await _app.Client.SendAsync(request);
        Assert.That(delivered.StatusCode, Is.EqualTo(HttpStatusCode.OK), await delivered.Content.ReadAsStringAsync());
        var (_, before, _) = await _app.PostAsync(new { action = "get_results", conversationId = id });
        Assert.That(before["data"]!["calls"]![0]!["source"]!.GetValue<string>(), Is.EqualTo("webhook"));
        Assert.That(before["data"]!["calls"]![0]!["recordingAvailable"]!.GetValue<bool>(), Is.False, "no audio event yet");
        var sweeper = _app.Services.GetRequiredService<SessionSweeper>();

        var result = await sweeper.RunAsync();

        Assert.That(result.Calls, Does.Contain((id, elevenLabsId, ReconcileOutcome.AlreadyStored)), "the call is the webhook's; only its recording was missing");
        var (status, answer, _) = await _app.PostAsync(new { action = "get_recording", conversationId = id });
        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        using var browser = new HttpClient(Azurite.TrustingHandler());
        Assert.That(await browser.GetByteArrayAsync(answer["data"]!["url"]!.GetValue<string>()), Is.EqualTo(mp3), "the REST endpoint's MP3");
        var (_, after, _) = await _app.PostAsync(new { action = "get_results", conversationId = id });
        Assert.That(after["data"]!["calls"]![0]!["recordingAvailable"]!.GetValue<bool>(), Is.True);
        Assert.That(after["data"]!["calls"]![0]!["source"]!.GetValue<string>(), Is.EqualTo("webhook"), "the call document is the webhook's still");
        _app.Services.GetRequiredService<TelemetryClient>().Flush();
        Assert.That(_telemetry.Items.OfType<EventTelemetry>().Count(e => e.Name == "RecordingStored" && e.Properties["ElevenLabsConversationId"] == elevenLabsId
            && e.Properties["Source"] == "reconcile"), Is.EqualTo(1));

        var again = await sweeper.RunAsync();
        Assert.That(again.Calls.Select(c => c.ElevenLabsConversationId), Does.Not.Contain(elevenLabsId), "recording stored: no longer pending");
    }

    [Test]
    public async Task TheAudioEventIsDecodedFromTheSpoolIntoTheBlobAndPlays()
    {
        var (id, elevenLabsId) = await CreateSessionAsync(_app, ElevenLabs);
        const long size = 6L * 1024 * 1024; // over the spool's in-memory threshold: decoded from the file
        using var whole = new MemoryStream();
        await new AudioEventStream(elevenLabsId, size).CopyToAsync(whole);
        var text = System.Text.Encoding.ASCII.GetString(whole.ToArray());
        var start = text.IndexOf("\"full_audio\":\"", StringComparison.Ordinal) + "\"full_audio\":\"".Length;
        var mp3 = Convert.FromBase64String(text[start..text.IndexOf('"', start)]);
        var signature = await WebhookSigner.HeaderAsync(_secret, DateTimeOffset.UtcNow, new AudioEventStream(elevenLabsId, size));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new StreamContent(new AudioEventStream(elevenLabsId, size)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, signature);

        using var response = await _app.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var (status, answer, _) = await _app.PostAsync(new { action = "get_recording", conversationId = id, elevenLabsConversationId = elevenLabsId });
        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        using var browser = new HttpClient(Azurite.TrustingHandler());
        var played = await browser.GetByteArrayAsync(answer["data"]!["url"]!.GetValue<string>());
        Assert.That(played.Length, Is.EqualTo(mp3.Length));
        Assert.That(played, Is.EqualTo(mp3), "the event's base64, decoded");
        _app.Services.GetRequiredService<TelemetryClient>().Flush();
        Assert.That(_telemetry.Items.OfType<EventTelemetry>().Any(e => e.Name == "RecordingStored" && e.Properties["Source"] == "webhook"
            && e.Properties["ElevenLabsConversationId"] == elevenLabsId), Is.True);
    }

    [Test]
    public async Task ALinkExpiresAfterFifteenMinutes()
    {
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(16));
        await using var app = await StartAppAsync(past, ("Recordings:BlobServiceUri", Azurite.ServiceUri.ToString()));
        var (id, elevenLabsId) = await CreateSessionAsync(app, ElevenLabs);
        await app.Services.GetRequiredService<RecordingStore>().WriteAsync(id, elevenLabsId, new MemoryStream([1, 2, 3]));

        var (status, answer, _) = await app.PostAsync(new { action = "get_recording", conversationId = id, elevenLabsConversationId = elevenLabsId });

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
        using var browser = new HttpClient(Azurite.TrustingHandler());
        using var played = await browser.GetAsync(answer["data"]!["url"]!.GetValue<string>());
        Assert.That(played.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "made 16 minutes ago: expired");
    }

    [Test]
    public async Task NoRecordingIsA404WithItsOwnCode()
    {
        var (id, elevenLabsId) = await CreateSessionAsync(_app, ElevenLabs);

        var (latest, body, _) = await _app.PostAsync(new { action = "get_recording", conversationId = id });
        var (named, namedBody, _) = await _app.PostAsync(new { action = "get_recording", conversationId = id, elevenLabsConversationId = elevenLabsId });
        var (other, otherBody, _) = await _app.PostAsync(new { action = "get_recording", conversationId = id, elevenLabsConversationId = "conv_not_this_sessions" });

        Assert.That((latest, named, other), Is.EqualTo((404, 404, 404)));
        Api.ContractTests.AssertError(body, "recording_not_found");
        Api.ContractTests.AssertError(namedBody, "recording_not_found");
        Api.ContractTests.AssertError(otherBody, "recording_not_found");
    }

    /// <summary>
    /// A deployment whose container holds nothing yet (it is made with the first recording, locally and on a first
    /// deploy): results say no recording, and get_recording is the 404, not Blob Storage's ContainerNotFound.
    /// </summary>
    [Test]
    public async Task BeforeTheFirstRecordingTheResultsSayNoneGetRecordingIsA404AndDeleteSessionRemovesNone()
    {
        await using var app = await StartAppAsync(null, ("Recordings:BlobServiceUri", Azurite.ServiceUri.ToString()),
            ("Recordings:Container", "fresh-" + Guid.NewGuid().ToString("N")[..12]), ("ElevenLabs:WebhookSecret", _secret));
        var (id, elevenLabsId) = await CreateSessionAsync(app, ElevenLabs);
        ElevenLabs.StoreConversation(elevenLabsId, "done");
        var body = ElevenLabsEvents.Bytes(new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "post_call_transcription",
            ["event_timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = ElevenLabs.ConversationBody(elevenLabsId),
        });
        using var request = WebhookSigner.Request(_secret, DateTimeOffset.UtcNow, body);
        using var delivered = await app.Client.SendAsync(request);
        Assert.That(delivered.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var (_, results, _) = await app.PostAsync(new { action = "get_results", conversationId = id });
        var (status, answer, _) = await app.PostAsync(new { action = "get_recording", conversationId = id });

        Assert.That(results["data"]!["calls"]![0]!["recordingAvailable"]?.GetValue<bool>(), Is.False, results.ToJsonString());
        Assert.That(status, Is.EqualTo(404), answer.ToJsonString());
        Api.ContractTests.AssertError(answer, "recording_not_found");

        // Erasing it is not held up by the container that was never made (before: 503, the session stuck `deleting`).
        var (deleteStatus, deleted, _) = await app.PostAsync(new { action = "delete_session", conversationId = id });
        Assert.That(deleteStatus, Is.EqualTo(200), deleted.ToJsonString());
        Assert.That(deleted["data"]!["removed"]!["recordings"]!.GetValue<int>(), Is.EqualTo(0), deleted.ToJsonString());
    }

    [Test]
    public async Task WithRecordingsOffGetRecordingSaysSo()
    {
        var (id, _) = await CreateSessionAsync(_offApp, ElevenLabs);

        var (status, body, _) = await _offApp.PostAsync(new { action = "get_recording", conversationId = id });

        Assert.That(status, Is.EqualTo(409), body.ToJsonString());
        Api.ContractTests.AssertError(body, "recordings_disabled");
        Assert.That(body["detail"]!.GetValue<string>(), Does.Contain("Recordings:BlobServiceUri"));
    }
}
