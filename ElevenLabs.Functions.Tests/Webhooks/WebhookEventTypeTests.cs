using System.Text;
using System.Text.Json;
using ElevenLabs.Functions.Tests.Support;
using ElevenLabs.Functions.Webhooks;

namespace ElevenLabs.Functions.Tests.Webhooks;

/// <summary>
/// A verified event's type is read from a bounded prefix of its body: found where ElevenLabs writes it, unknown when it is
/// not in the prefix, refused when the body does not start as a JSON object; never more than the prefix is read.
/// </summary>
[TestFixture]
public sealed class WebhookEventTypeTests
{
    [TestCase("""{"type":"post_call_transcription","data":{}}""", "post_call_transcription")]
    [TestCase("""{"data":{"type":"inner"},"event_timestamp":1,"type":"post_call_audio"}""", "post_call_audio")]
    [TestCase("""{"data":{"full_audio":"AAAA"},"type" : "post_call_audio"}""", "post_call_audio")]
    [TestCase(""" {"type":"post_call_audio","data":{"full_audio":"AAAA""", "post_call_audio")]
    [TestCase("""{"type":7}""", null)]
    [TestCase("""{"types":"x"}""", null)]
    [TestCase("""{"data":{"type":"inner"}}""", null)]
    [TestCase("{}", null)]
    public async Task TheTopLevelTypeIsFound(string text, string? type)
    {
        Assert.That(await ReadAsync(Encoding.UTF8.GetBytes(text)), Is.EqualTo(type));
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("not json")]
    [TestCase("[\"type\",\"x\"]")]
    [TestCase("\"post_call_audio\"")]
    [TestCase("{a:1}")]
    [TestCase("{\"type\" 1}")]
    public void ABodyThatDoesNotStartAsAJsonObjectIsRefused(string text)
    {
        Assert.CatchAsync<JsonException>(() => ReadAsync(Encoding.UTF8.GetBytes(text)));
    }

    [Test]
    public void NestingBeyondTheLimitIsRefused()
    {
        var deep = "{\"data\":" + new string('[', WebhookEventType.MaxDepth) + new string(']', WebhookEventType.MaxDepth) + ",\"type\":\"x\"}";
        var fine = "{\"data\":" + new string('[', WebhookEventType.MaxDepth - 1) + new string(']', WebhookEventType.MaxDepth - 1) + ",\"type\":\"x\"}";

        Assert.CatchAsync<JsonException>(() => ReadAsync(Encoding.UTF8.GetBytes(deep)));
        Assert.That(async () => await ReadAsync(Encoding.UTF8.GetBytes(fine)), Is.EqualTo("x"));
    }

    [Test]
    public async Task ATypeWrittenAfterThePrefixIsUnknown()
    {
        var padding = new string('A', WebhookEventType.PrefixBytes);
        var late = Encoding.UTF8.GetBytes($$"""{"data":{"full_audio":"{{padding}}"},"type":"post_call_transcription"}""");

        Assert.That(await ReadAsync(late), Is.Null);
    }

    [Test]
    public async Task AFortyMegabyteAudioEventIsTypedWithoutReadingItIntoMemory()
    {
        var stream = new AudioEventStream("conv_" + Guid.NewGuid().ToString("N"), 40_000_000);
        await using var body = await WebhookBody.ReadAsync(stream, "1.", [], CancellationToken.None);
        Assert.That(body.OnDisk, Is.True);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var type = await WebhookEventType.ReadAsync(body, CancellationToken.None);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.That(type, Is.EqualTo("post_call_audio"));
        Assert.That(allocated, Is.LessThan(1024 * 1024), "bytes allocated to find the type of a 40 MB event");
    }

    private static async Task<string?> ReadAsync(byte[] bytes)
    {
        await using var body = await WebhookBody.ReadAsync(new MemoryStream(bytes), "1.", [], CancellationToken.None);
        return await WebhookEventType.ReadAsync(body, CancellationToken.None);
    }
}
