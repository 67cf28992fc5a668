using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>
/// What an attacker or a broken client sends gets a 400-class answer in the envelope, before any ElevenLabs call and
/// with nothing stored: never a 500 that inflates the failure alert, never a session paid for and then lost.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class HostileInputTests(HostKind host) : FirestoreAppFixture(host)
{
    private int _documents;
    private int _sessions;
    private int _elevenLabsCalls;

    [SetUp]
    public void Count()
    {
        _documents = Rig.Firestore.Documents.Count;
        _sessions = Rig.Firestore.Documents.Keys.Count(k => k.Contains("/conversation-sessions/", StringComparison.Ordinal));
        _elevenLabsCalls = Rig.ElevenLabs.SignedUrlRequests.Count;
    }

    private async Task<(int Status, JsonObject Body)> PostAsync(byte[] body, string contentType = "application/json")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await App.Client.PostAsync("/elevenlabs-conversation", content);
        return ((int)response.StatusCode, await AppHost.ReadAsync(response));
    }

    private Task<(int Status, JsonObject Body)> PostAsync(string body, string contentType = "application/json") =>
        PostAsync(Encoding.UTF8.GetBytes(body), contentType);

    private void AssertRefusedBeforeAnyCall(int status, JsonObject body, string code)
    {
        Assert.That(status, Is.EqualTo(400), body.ToJsonString());
        ContractTests.AssertError(body, code);
        Assert.That(Rig.ElevenLabs.SignedUrlRequests, Has.Count.EqualTo(_elevenLabsCalls), "no ElevenLabs call for a refused body");
        Assert.That(Rig.Firestore.Documents, Has.Count.EqualTo(_documents), "nothing stored for a refused body");
    }

    [TestCase("""{"action":"create_session","userId":"\ud800"}""")]
    [TestCase("""{"action":"create_session","jobId":"a\udc00b"}""")]
    [TestCase("""{"action":"end_session","conversationId":"\udc00"}""")]
    [TestCase("""{"action":"\ud800"}""")]
    [TestCase("""{"action":"create_session","metadata":{"note":"\ud83d"}}""")]
    [TestCase("""{"action":"create_session","metadata":{"\ud800":1}}""")]
    public async Task ALoneSurrogateIsABadRequest(string body)
    {
        var (status, answer) = await PostAsync(body);

        AssertRefusedBeforeAnyCall(status, answer, "invalid_field");
    }

    [Test]
    public async Task InvalidUtf8IsABadRequest()
    {
        var inString = Encoding.UTF8.GetBytes("""{"action":"create_session","userId":"ab"}""");
        inString[^3] = 0xFF;
        var inMetadata = Encoding.UTF8.GetBytes("""{"action":"create_session","metadata":{"k":"ab"}}""");
        inMetadata[^4] = 0xFF;

        var (status, body) = await PostAsync(inString);
        AssertRefusedBeforeAnyCall(status, body, "invalid_field");
        (status, body) = await PostAsync(inMetadata);
        AssertRefusedBeforeAnyCall(status, body, "invalid_field");
        (status, body) = await PostAsync([0xFF, (byte)'{', (byte)'}']);
        AssertRefusedBeforeAnyCall(status, body, "invalid_json");
    }

    [TestCase("1e400")]
    [TestCase("-1e400")]
    [TestCase("1" + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    public async Task ANumberFirestoreCannotHoldIsRefusedBeforeElevenLabsIsPaid(string number)
    {
        var (status, body) = await PostAsync($$$"""{"action":"create_session","metadata":{"n":{{{number}}}}}""");

        AssertRefusedBeforeAnyCall(status, body, "invalid_field");
        Assert.That(body["error"]!.GetValue<string>(), Does.Contain("metadata.n"));
    }

    private static IEnumerable<TestCaseData> MetadataFirestoreRefuses()
    {
        yield return new TestCaseData("""{"a":[[1]]}""", "metadata.a[0]").SetName("ArrayInArray");
        yield return new TestCaseData("""{"a":[{"b":[[]]}]}""", "metadata.a[0].b[0]").SetName("ArrayInArrayDeeper");
        yield return new TestCaseData(Nested(20), "deeper than 20").SetName("Depth21");
        yield return new TestCaseData("""{"":1}""", "empty key").SetName("EmptyKey");
        yield return new TestCaseData("""{"x":{"":1}}""", "metadata.x").SetName("EmptyNestedKey");
        yield return new TestCaseData("""{"__x__":1}""", "__x__").SetName("ReservedKey");
        yield return new TestCaseData($$"""{"{{new string('k', 1501)}}":1}""", "1500 bytes").SetName("KeyOver1500Bytes");
        yield return new TestCaseData($$"""{"{{new string('é', 751)}}":1}""", "1500 bytes").SetName("KeyOver1500BytesInUtf8");
    }

    /// <summary>A metadata object with <paramref name="levels"/> more maps nested inside it (metadata itself is depth 1).</summary>
    private static string Nested(int levels) =>
        string.Concat(Enumerable.Repeat("{\"a\":", levels + 1)) + "1" + new string('}', levels + 1);

    [TestCaseSource(nameof(MetadataFirestoreRefuses))]
    public async Task MetadataFirestoreCannotStoreIsRefusedNamingThePath(string metadata, string named)
    {
        var (status, body) = await PostAsync($$$"""{"action":"create_session","metadata":{{{metadata}}}}""");

        AssertRefusedBeforeAnyCall(status, body, "invalid_field");
        Assert.That(body["error"]!.GetValue<string>(), Does.Contain(named));
    }

    [Test]
    public async Task MetadataAtFirestoresLimitsIsStored()
    {
        var atLimits = $$$"""{"deep":{{{Nested(18)}}},"{{{new string('k', 1500)}}}":1,"list":[{"inner":[1,2]}],"big":9223372036854775807,"small":5E-324,"huge":1e308,"_x_":true}""";

        var (status, body) = await PostAsync($$$"""{"action":"create_session","metadata":{{{atLimits}}}}""");

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(Rig.Firestore.Documents.Keys.Count(k => k.Contains("/conversation-sessions/", StringComparison.Ordinal)),
            Is.EqualTo(_sessions + 1), "one session stored");
    }

    [TestCase("__x__")]
    [TestCase("____")]
    [TestCase("conv_abc\n")]
    public async Task AnIdFirestoreReservesOrWithATrailingNewlineIsRefused(string id)
    {
        foreach (var action in new[] { "get_signed_url", "end_session" })
        {
            var (status, body) = await PostAsync(System.Text.Json.JsonSerializer.Serialize(new { action, conversationId = id }));

            AssertRefusedBeforeAnyCall(status, body, "invalid_conversation_id");
        }
    }

    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("multipart/form-data; boundary=x")]
    public async Task ABodyThatIsNotDeclaredJsonIsUnsupported(string contentType)
    {
        var (status, body) = await PostAsync("""{"action":"create_session"}""", contentType);

        Assert.That(status, Is.EqualTo(415), body.ToJsonString());
        ContractTests.AssertError(body, "unsupported_media_type");
        Assert.That(Rig.ElevenLabs.SignedUrlRequests, Has.Count.EqualTo(_elevenLabsCalls));
    }

    [Test]
    public async Task JsonWithAnyCharsetIsAccepted()
    {
        var (status, body) = await PostAsync("""{"action":"create_session"}""", "application/json; charset=UTF-8");

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
    }

    [Test]
    public async Task AMalformedChunkedBodyIsABadRequest()
    {
        if (Host == HostKind.Functions)
        {
            Assert.Ignore("Self-hosted only: under Azure Functions a broken or dribbling body is met by the front end and the host's own Kestrel before the worker; the stand-in host does not model their answer");
        }

        var (status, body) = await RawAsync(
            "POST /elevenlabs-conversation HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "zz\r\n{}\r\n0\r\n\r\n");

        Assert.That(status, Is.EqualTo(400), body);
        ContractTests.AssertError(JsonNode.Parse(body)!.AsObject(), "invalid_body");
    }

    [Test]
    public async Task ABodyArrivingTooSlowlyIsARequestTimeout()
    {
        if (Host == HostKind.Functions)
        {
            Assert.Ignore("Self-hosted only: under Azure Functions a broken or dribbling body is met by the front end and the host's own Kestrel before the worker; the stand-in host does not model their answer");
        }

        // Kestrel's minimum body data rate (240 bytes/s after a 5 s grace period) is what a dribbling client breaks.
        var (status, body) = await RawAsync(
            "POST /elevenlabs-conversation HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"a",
            holdOpen: TimeSpan.FromSeconds(12));

        Assert.That(status, Is.EqualTo(408), body);
        ContractTests.AssertError(JsonNode.Parse(body)!.AsObject(), "request_timeout");
    }

    /// <summary>Sends raw bytes on a socket and reads the answer's status and body (the connection may stay open until <paramref name="holdOpen"/>).</summary>
    private async Task<(int Status, string Body)> RawAsync(string request, TimeSpan? holdOpen = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(App.BaseAddress.Host, App.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(holdOpen ?? TimeSpan.FromSeconds(10));
        timeout.CancelAfter((holdOpen ?? TimeSpan.Zero) + TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (!timeout.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
            if (Complete(received.ToArray()))
            {
                break;
            }
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var status = text.Length > 12 ? int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var start = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, start < 0 ? text : Dechunk(text[(start + 4)..], text[..start]));
    }

    private static bool Complete(byte[] received)
    {
        var text = Encoding.UTF8.GetString(received);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            return false;
        }

        var headers = text[..headerEnd];
        var lengthLine = headers.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return lengthLine is not null
            ? Encoding.UTF8.GetByteCount(text[(headerEnd + 4)..]) >= int.Parse(lengthLine[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
            : text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    private static string Dechunk(string body, string headers)
    {
        if (!headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

        var result = new StringBuilder();
        while (body.Length > 0)
        {
            var lineEnd = body.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(body[..lineEnd], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body.AsSpan(lineEnd + 2, size));
            body = body[(lineEnd + 2 + size + 2)..];
        }

        return result.ToString();
    }
}
