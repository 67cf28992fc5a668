using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// The mapping between plain JSON (a session's metadata) and Firestore REST values, without a server: each case
/// compares the exact text written or read, so a mistake names the value it breaks.
/// </summary>
[TestFixture]
public sealed class FirestoreValuesTests
{
    /// <summary>Plain JSON, the Firestore value it is stored as, and the JSON read back from that value.</summary>
    private static IEnumerable<TestCaseData> Values()
    {
        TestCaseData Case(string name, string json, string firestore, string? readBack = null) =>
            new TestCaseData(json, firestore, readBack ?? json).SetArgDisplayNames(name);

        yield return Case("string", "\"Software Engineer\"", """{"stringValue":"Software Engineer"}""");
        yield return Case("string, escaped and non-ASCII", "\"caf\\u00E9 \\\"quoted\\\"\\n\"", """{"stringValue":"caf\u00E9 \"quoted\"\n"}""");
        yield return Case("empty string", "\"\"", """{"stringValue":""}""");
        yield return Case("true", "true", """{"booleanValue":true}""");
        yield return Case("false", "false", """{"booleanValue":false}""");
        yield return Case("null", "null", """{"nullValue":null}""");
        yield return Case("zero", "0", """{"integerValue":"0"}""");
        yield return Case("negative integer", "-42", """{"integerValue":"-42"}""");
        yield return Case("int64 max", "9223372036854775807", """{"integerValue":"9223372036854775807"}""");
        yield return Case("int64 min", "-9223372036854775808", """{"integerValue":"-9223372036854775808"}""");
        yield return Case("one past int64 max is a double", "9223372036854775808", """{"doubleValue":9.223372036854776E+18}""", "9.223372036854776E+18");
        yield return Case("one before int64 min is a double", "-9223372036854775809", """{"doubleValue":-9.223372036854776E+18}""", "-9.223372036854776E+18");
        yield return Case("fraction", "0.1", """{"doubleValue":0.1}""");
        yield return Case("negative fraction", "-2.5", """{"doubleValue":-2.5}""");
        yield return Case("smallest subnormal double", "5E-324", """{"doubleValue":5E-324}""");
        yield return Case("largest double", "1.7976931348623157E+308", """{"doubleValue":1.7976931348623157E+308}""");
        yield return Case("whole number written with a fraction is a double", "1.0", """{"doubleValue":1}""", "1");
        yield return Case("exponent", "1e2", """{"doubleValue":100}""", "100");
        yield return Case("empty map", "{}", """{"mapValue":{"fields":{}}}""");
        yield return Case("empty array", "[]", """{"arrayValue":{"values":[]}}""");
        yield return Case("map", """{"jobTitle":"Software Engineer","round":2}""",
            """{"mapValue":{"fields":{"jobTitle":{"stringValue":"Software Engineer"},"round":{"integerValue":"2"}}}}""");
        yield return Case("field names Firestore paths would quote", """{"a.b":1,"with space":true,"`tick`":null}""",
            """{"mapValue":{"fields":{"a.b":{"integerValue":"1"},"with space":{"booleanValue":true},"`tick`":{"nullValue":null}}}}""");
        yield return Case("array of every scalar", """["s",1,1.5,true,null]""",
            """{"arrayValue":{"values":[{"stringValue":"s"},{"integerValue":"1"},{"doubleValue":1.5},{"booleanValue":true},{"nullValue":null}]}}""");
        yield return Case("nested maps and arrays",
            """{"interview":{"rounds":[{"name":"tech","scores":[1,2.5]},{"name":"hr","scores":[]}],"notes":{}}}""",
            """{"mapValue":{"fields":{"interview":{"mapValue":{"fields":{"rounds":{"arrayValue":{"values":[""" +
            """{"mapValue":{"fields":{"name":{"stringValue":"tech"},"scores":{"arrayValue":{"values":[{"integerValue":"1"},{"doubleValue":2.5}]}}}}},""" +
            """{"mapValue":{"fields":{"name":{"stringValue":"hr"},"scores":{"arrayValue":{"values":[]}}}}}]}},"notes":""" +
            """{"mapValue":{"fields":{}}}}}}}}}""");
    }

    [TestCaseSource(nameof(Values))]
    public void PlainJsonIsWrittenAsTheFirestoreValue(string json, string firestore, string readBack)
    {
        Assert.That(Normalized(ToFirestore(json)), Is.EqualTo(Normalized(firestore)));
    }

    [TestCaseSource(nameof(Values))]
    public void TheFirestoreValueReadsBackAsPlainJson(string json, string firestore, string readBack)
    {
        Assert.That(Normalized(FromFirestore(firestore)), Is.EqualTo(Normalized(readBack)));
    }

    /// <summary>What other writers (the Cloud Function, the console, Google's SDKs) may leave that this app never writes.</summary>
    [TestCase("""{"integerValue":"123"}""", "123", TestName = "integerValue is a string on the wire")]
    [TestCase("""{"doubleValue":3}""", "3", TestName = "doubleValue that is whole")]
    [TestCase("""{"doubleValue":"NaN"}""", "null", TestName = "doubleValue NaN has no JSON form")]
    [TestCase("""{"doubleValue":"Infinity"}""", "null", TestName = "doubleValue Infinity has no JSON form")]
    [TestCase("""{"doubleValue":"-Infinity"}""", "null", TestName = "doubleValue -Infinity has no JSON form")]
    [TestCase("""{"timestampValue":"2024-01-15T10:30:00.123456Z"}""", "\"2024-01-15T10:30:00.123456Z\"", TestName = "timestampValue reads as its RFC 3339 text")]
    [TestCase("""{"referenceValue":"projects/p/databases/(default)/documents/c/d"}""", "\"projects/p/databases/(default)/documents/c/d\"", TestName = "referenceValue reads as its path")]
    [TestCase("""{"mapValue":{}}""", "{}", TestName = "empty map as Firestore sends it (no fields)")]
    [TestCase("""{"arrayValue":{}}""", "[]", TestName = "empty array as Firestore sends it (no values)")]
    [TestCase("""{"mapValue":{"fields":{"tags":{"arrayValue":{}}}}}""", """{"tags":[]}""", TestName = "empty array inside a map")]
    public void ValuesOtherWritersLeaveAreRead(string firestore, string json)
    {
        Assert.That(Normalized(FromFirestore(firestore)), Is.EqualTo(Normalized(json)));
    }

    [TestCase("2026-11-25T09:00:00.1234567Z", "2026-11-25T09:00:00.123456Z", TestName = "ticks beyond microseconds are cut, not rounded")]
    [TestCase("2026-11-25T09:00:00.000001Z", "2026-11-25T09:00:00.000001Z", TestName = "one microsecond")]
    [TestCase("2026-11-25T09:00:00Z", "2026-11-25T09:00:00.000000Z", TestName = "whole seconds keep six digits")]
    [TestCase("2026-11-25T11:00:00.5+02:00", "2026-11-25T09:00:00.500000Z", TestName = "an offset is written as UTC")]
    [TestCase("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z", TestName = "the earliest DateTimeOffset")]
    [TestCase("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999999Z", TestName = "the latest DateTimeOffset")]
    public void TimestampsAreWrittenInUtcToTheMicrosecond(string value, string expected)
    {
        Assert.That(FirestoreValues.FormatTimestamp(DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(expected));
    }

    [TestCase("2024-01-15T10:30:00Z", 0L, TestName = "no fraction")]
    [TestCase("2024-01-15T10:30:00.123456Z", 1_234_560L, TestName = "microseconds")]
    [TestCase("2024-01-15T10:30:00.123456789Z", 1_234_567L, TestName = "nanoseconds: digits past the seventh are dropped")]
    [TestCase("2024-01-15T12:30:00.5+02:00", 5_000_000L, TestName = "an offset is read as UTC")]
    public void TimestampsAreReadAsUtc(string text, long ticksPastTenThirty)
    {
        var parsed = FirestoreValues.ParseTimestamp(text);

        var expected = new DateTimeOffset(2024, 1, 15, 10, 30, 0, TimeSpan.Zero).AddTicks(ticksPastTenThirty);
        Assert.That((parsed.UtcTicks, parsed.Offset), Is.EqualTo((expected.UtcTicks, TimeSpan.Zero)), text);
    }

    [TestCase("not a time")]
    [TestCase("2024-13-45T10:30:00Z")]
    [TestCase("")]
    public void TextThatIsNotATimestampIsRefused(string text)
    {
        Assert.That(FirestoreValues.TryParseTimestamp(text, out _), Is.False);
        Assert.That(() => FirestoreValues.ParseTimestamp(text), Throws.TypeOf<FormatException>().With.Message.Contains(text));
    }

    [Test]
    public void ATimestampWrittenToTheMicrosecondReadsBackEqual()
    {
        var written = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

        Assert.That(FirestoreValues.ParseTimestamp(FirestoreValues.FormatTimestamp(written)), Is.EqualTo(written));
    }

    [Test]
    public void ASessionWrittenAsADocumentReadsBackEqual()
    {
        var createdAt = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
        var session = new Session
        {
            ConversationId = "conv_abc",
            AgentId = "agent",
            UserId = "u",
            CandidateId = null,
            JobId = "j",
            Metadata = JsonDocument.Parse("""{"jobTitle":"Software Engineer","scores":[1,2.5],"extra":{"big":9223372036854775807}}""").RootElement,
            Status = SessionStatus.Ended,
            CreatedAt = createdAt,
            UpdatedAt = createdAt.AddSeconds(1),
            EndedAt = createdAt.AddSeconds(1),
            EndedBy = SessionEndedBy.Client,
            ElevenLabsConversationId = "el_1",
            ElevenLabsConversationIds = ["el_0", "el_1"],
            PendingCallIds = ["el_1"],
            ReconcileAt = createdAt.AddSeconds(2),
            LastCall = new CallSummary
            {
                ElevenLabsConversationId = "el_1",
                Status = "done",
                CallDurationSecs = 9223372036854775807,
                CallSuccessful = "success",
                TranscriptSummary = "Zoë – 面接",
                TerminationReason = null,
                StartedAt = createdAt,
            },
        };

        var fields = JsonDocument.Parse(SessionDocument.Write(session)).RootElement.GetProperty("fields").GetRawText();
        var document = JsonDocument.Parse($$"""{"name":"projects/p/databases/(default)/documents/c/conv_abc","fields":{{fields}},"updateTime":"2026-11-25T09:00:02.000001Z"}""");
        var read = SessionDocument.Read(document.RootElement);

        Assert.That(read.Session.Metadata.GetRawText(), Is.EqualTo(session.Metadata.GetRawText()));
        Assert.That(read.Session.ElevenLabsConversationIds, Is.EqualTo(session.ElevenLabsConversationIds));
        Assert.That(read.Session.PendingCallIds, Is.EqualTo(session.PendingCallIds));
        Assert.That(read.Session with { Metadata = session.Metadata, ElevenLabsConversationIds = session.ElevenLabsConversationIds, PendingCallIds = session.PendingCallIds },
            Is.EqualTo(session));
        Assert.That(read.Version, Is.EqualTo("2026-11-25T09:00:02.000001Z"));
    }

    /// <summary>The same JSON text whichever characters a writer chose to escape; numbers keep their exact text.</summary>
    private static string Normalized(string json) =>
        JsonNode.Parse(json)?.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null";

    private static string ToFirestore(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            FirestoreValues.WriteFirestoreValue(writer, document.RootElement);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string FromFirestore(string firestore)
    {
        using var document = JsonDocument.Parse(firestore);
        return FirestoreValues.ToJson(document.RootElement).GetRawText();
    }
}
