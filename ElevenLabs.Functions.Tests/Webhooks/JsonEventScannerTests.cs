using System.Text;
using System.Text.Json;
using ElevenLabs.Functions.Webhooks;

namespace ElevenLabs.Functions.Tests.Webhooks;

/// <summary>The scan that checks a webhook body is JSON without holding it agrees with System.Text.Json, whatever the chunking.</summary>
[TestFixture]
public sealed class JsonEventScannerTests
{
    private static readonly string[] Corpus =
    [
        "{}", "[]", "0", "-0", "-0.5e+10", "1E5", "\"x\"", "true", "false", "null", " {\"a\" : [1, 2.5, -3e-2, true, false, null, \"s\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"]} ",
        "{\"type\":\"post_call_audio\",\"data\":{\"full_audio\":\"AAAA\"}}", "{\"a\":{\"b\":{\"c\":[[],[{}]]}}}",
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "1e+", "+1", "tru", "nul", "truex",
        "\"unterminated", "\"bad \\x escape\"", "\"\\u12G4\"", "\"tab\tinside\"", "{} {}", "[1 2]", "{\"a\":1 \"b\":2}", "[}", "{]",
        "{\"type\":\"x\"", "NaN", "[1,2,3]]", "{\"k\":\"v\"}x",
    ];

    private static bool SystemTextJsonAccepts(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonEventScanner Scan(string text, int chunk)
    {
        var scanner = new JsonEventScanner();
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            scanner.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        return scanner;
    }

    [Test]
    public void ItAcceptsExactlyWhatSystemTextJsonAccepts([Values(1, 2, 3, 7, 4096)] int chunk)
    {
        foreach (var text in Corpus)
        {
            Assert.That(Scan(text, chunk).Complete(), Is.EqualTo(SystemTextJsonAccepts(text)), text);
        }
    }

    [TestCase("""{"type":"post_call_transcription","data":{}}""", "post_call_transcription")]
    [TestCase("""{"data":{"type":"inner"},"event_timestamp":1,"type":"post_call_audio"}""", "post_call_audio")]
    [TestCase("""{"data":{"full_audio":"AAAA"},"type" : "post_call_audio"}""", "post_call_audio")]
    [TestCase("""{"type":7}""", null)]
    [TestCase("""{"types":"x"}""", null)]
    [TestCase("""["type","x"]""", null)]
    public void ItFindsTheTopLevelType(string text, string? type)
    {
        foreach (var chunk in new[] { 1, 5, 4096 })
        {
            var scanner = Scan(text, chunk);
            Assert.That(scanner.Complete(), Is.True);
            Assert.That(scanner.Type, Is.EqualTo(type), $"chunks of {chunk}");
        }
    }

    [Test]
    public void NestingBeyondTheLimitIsRefused()
    {
        var deep = new string('[', JsonEventScanner.MaxDepth + 1) + new string(']', JsonEventScanner.MaxDepth + 1);
        var fine = new string('[', JsonEventScanner.MaxDepth) + new string(']', JsonEventScanner.MaxDepth);

        Assert.That(Scan(deep, 4096).Complete(), Is.False);
        Assert.That(Scan(fine, 4096).Complete(), Is.True);
    }
}
