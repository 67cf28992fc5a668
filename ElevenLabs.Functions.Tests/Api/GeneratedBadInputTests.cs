using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>
/// Hundreds of generated bad requests against the running app on Firestore: every field with wrong types, surrogates,
/// control characters, extreme numbers, deep and wide JSON, keys Firestore refuses, huge and malformed bodies, odd
/// content types. None may get a 5xx; every 4xx is the envelope; a refused request stores nothing; a request refused
/// on its body costs no ElevenLabs call.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class GeneratedBadInputTests(HostKind host) : FirestoreAppFixture(host)
{
    private static readonly string[] Fields = ["action", "userId", "candidateId", "jobId", "conversationId", "metadata"];
    private static readonly string[] Actions = ["create_session", "get_signed_url", "end_session"];

    /// <summary>JSON values that are wrong somewhere: types, text Firestore or the contract refuses, extremes.</summary>
    private static readonly string[] Values =
    [
        "42", "-1", "0.5", "1e400", "-1e400", "true", "false", "[]", "[1,2]", "{}", """{"a":1}""", "null",
        "\"\\ud800\"", "\"\\udfff\"", "\"a\\ud83db\"", "\"\\u0000\"", "\"a\\u0001b\"", "\"\\n\"", "\"\"", "\" \"",
        "\"conv_x\\n\"", "\"__x__\"", "\"../etc\"", "\"%2F\"", "\"a/b\"", "\"x?y=1\"", $"\"{new string('x', 300)}\"",
        "\"ü\"", "\"\\u202e\"", "\"unknown_action\"",
    ];

    private static IEnumerable<(string Name, byte[] Body, string ContentType)> Cases()
    {
        foreach (var action in Actions)
        {
            foreach (var field in Fields)
            {
                foreach (var value in Values)
                {
                    var json = field == "action"
                        ? $$"""{"action":{{value}},"conversationId":"conv_123"}"""
                        : $$"""{"action":"{{action}}","{{field}}":{{value}}}""";
                    yield return ($"{action}.{field}={value}", Encoding.UTF8.GetBytes(json), "application/json");
                }
            }
        }

        foreach (var depth in new[] { 19, 20, 21, 25, 40, 63, 64, 65, 200 })
        {
            var maps = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
            var arrays = string.Concat(Enumerable.Repeat("{\"a\":[", depth)) + "1" + string.Concat(Enumerable.Repeat("]}", depth));
            yield return ($"maps deep {depth}", Create("\"metadata\":" + maps), "application/json");
            yield return ($"arrays deep {depth}", Create("\"metadata\":" + arrays), "application/json");
            yield return ($"bare arrays deep {depth}", Create("\"metadata\":{\"a\":" + new string('[', depth) + new string(']', depth) + "}"), "application/json");
        }

        foreach (var width in new[] { 1000, 3000 })
        {
            var wide = string.Join(",", Enumerable.Range(0, width).Select(i => $"\"k{i}\":{i}"));
            yield return ($"wide {width}", Create("\"metadata\":{" + wide + "}"), "application/json");
        }

        foreach (var key in new[] { "", "__x__", "__", "___", "____", "\\ud800", new string('k', 1501), new string('é', 751), "a.b", "`x`", "\\u0000" })
        {
            yield return ($"key '{key[..Math.Min(12, key.Length)]}'", Create("\"metadata\":{\"" + key + "\":1}"), "application/json");
            yield return ($"nested key '{key[..Math.Min(12, key.Length)]}'", Create("\"metadata\":{\"m\":{\"" + key + "\":[{\"" + key + "\":1}]}}"), "application/json");
        }

        foreach (var number in new[] { "1e308", "1e309", "-1e309", "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                     new string('9', 400), "1" + new string('0', 400) + ".5", "0.1e-999999", "123456789012345678901234567890" })
        {
            yield return ($"number {number[..Math.Min(20, number.Length)]}", Create("\"metadata\":{\"n\":" + number + ",\"l\":[" + number + "]}"), "application/json");
        }

        foreach (var body in new[] { "", " ", "{", "}", "{{}}", "nul", "\"str\"", "[1]", "{\"action\":}", "{\"action\":\"create_session\",}",
                     "{\"action\":\"create_session\"}{}", "\uFEFF{\"action\":\"create_session\"}", "{'action':'create_session'}", "{\"action\":\"create_session\"",
                     "/* c */{\"action\":\"create_session\"}", "{\"action\":\"create_session\",\"action\":\"end_session\"}" })
        {
            yield return ($"malformed '{body[..Math.Min(20, body.Length)]}'", Body(body), "application/json");
        }

        yield return ("65 KiB body", Create("\"metadata\":{\"x\":\"" + new string('x', 65 * 1024) + "\"}"), "application/json");
        yield return ("1 MiB body", Create("\"pad\":\"" + new string('x', 1024 * 1024) + "\""), "application/json");
        yield return ("17 KiB metadata", Create("\"metadata\":{\"x\":\"" + new string('x', 17 * 1024) + "\"}"), "application/json");
        yield return ("raw 0xFF in string", [.. Body("""{"action":"create_session","userId":"a"""), 0xFF, .. Body("\"}")], "application/json");
        yield return ("raw 0xC3 alone", [.. Body("""{"action":"create_session","metadata":{"k":"a"""), 0xC3, .. Body("\"}}")], "application/json");
        yield return ("raw 0xFF key", [.. Body("{\"action\":\"create_session\",\"metadata\":{\""), 0xFF, .. Body("\":1}}")], "application/json");
        yield return ("raw NUL", Body("{\"action\":\"create_session\"\0}"), "application/json");

        foreach (var contentType in new[] { "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
                     "application/xml", "application/octet-stream", "text/json", "application/jsonp", "image/png" })
        {
            yield return ($"content type {contentType}", Body("""{"action":"create_session"}"""), contentType);
        }

        static byte[] Body(string text) => Encoding.UTF8.GetBytes(text);
        static byte[] Create(string fields) => Body("{\"action\":\"create_session\"," + fields + "}");
    }

    [Test]
    public async Task NoGeneratedBadRequestGetsAServerErrorOrStoresAnything()
    {
        var cases = Cases().ToList();
        var problems = new List<string>();
        var refused = 0;
        foreach (var (name, body, contentType) in cases)
        {
            var documents = Rig.Firestore.Documents.Count;
            var calls = Rig.ElevenLabs.SignedUrlRequests.Count;
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var response = await App.Client.PostAsync("/elevenlabs-conversation", content);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                problems.Add($"{name}: {status} {text}");
                continue;
            }

            if (status < 400)
            {
                continue;
            }

            refused++;
            if (!IsEnvelope(text))
            {
                problems.Add($"{name}: {status} without the envelope: {text}");
            }

            if (Rig.Firestore.Documents.Count != documents)
            {
                problems.Add($"{name}: {status} but a document was stored");
            }

            if (status != 404 && Rig.ElevenLabs.SignedUrlRequests.Count != calls)
            {
                problems.Add($"{name}: refused on its body ({status}) after an ElevenLabs call");
            }
        }

        TestContext.Out.WriteLine($"{cases.Count} generated requests: {refused} refused with a 4xx, {cases.Count - refused} accepted, {problems.Count} problems");
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(500));
        Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(40)));
    }

    private static bool IsEnvelope(string text)
    {
        try
        {
            var body = JsonNode.Parse(text)!.AsObject();
            return body["success"]?.GetValue<bool>() == false
                && body["error"]?.GetValue<string>() is { Length: > 0 }
                && body["code"]?.GetValue<string>() is { Length: > 0 }
                && body["requestId"]?.GetValue<string>() is { Length: > 0 };
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
