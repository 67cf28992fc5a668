using System.Text;
using System.Text.Json;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// A <see cref="CallRecord"/> as Firestore documents, each under Firestore's 1 MiB limit (sized by Google's storage
/// size rules, with room to spare): the call's document, holding the transcript when it fits, and otherwise numbered
/// part documents <c>{call}/transcript/0001</c>, ... holding consecutive turns, the call's document saying how many.
/// </summary>
public static class CallDocument
{
    /// <summary>What this app fills a document to at most: Firestore's limit (1 MiB) less room for what the size rules leave vague.</summary>
    public const int Budget = 1_000_000;

    /// <summary>The subcollection of a session's document that holds its calls.</summary>
    public const string CallsCollection = "calls";

    /// <summary>The collection of calls no session matched.</summary>
    public const string UnmatchedCollection = "elevenlabs-unmatched-calls";

    /// <summary>The subcollection of transcript parts below a call's document.</summary>
    public const string PartsCollection = "transcript";

    /// <summary>Extra maps that are dropped, largest first, in the rare case the call's document is too big without its transcript.</summary>
    private static readonly string[] Droppable = ["conversationInitiationClientData", "metadata", "analysis"];

    /// <summary>The part's document id: numbered from 1, zero-padded so they sort.</summary>
    public static string PartId(int number) => number.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The call's document and its transcript parts (none when the transcript fits in the call's document).</summary>
    /// <param name="call">The call.</param>
    /// <param name="documentPath">The call document's path below the documents root, for its name's size.</param>
    public static (byte[] Call, IReadOnlyList<byte[]> Parts) Write(CallRecord call, string documentPath)
    {
        ArgumentNullException.ThrowIfNull(call);
        var fields = new List<Field>
        {
            Field.Of("elevenLabsConversationId", w => FirestoreSafeValue.String(w, call.ElevenLabsConversationId)),
            Field.Of("conversationId", w => FirestoreSafeValue.String(w, call.ConversationId)),
            Field.Of("matchedBy", w => FirestoreSafeValue.String(w, call.MatchedBy)),
            Field.Of("source", w => FirestoreSafeValue.String(w, call.Source)),
            Field.Of("hasAudio", w => FirestoreSafeValue.Boolean(w, call.HasAudio)),
            Field.Of("agentId", w => FirestoreSafeValue.String(w, call.AgentId)),
            Field.Of("status", w => FirestoreSafeValue.String(w, call.Status)),
            Field.Of("userId", w => FirestoreSafeValue.String(w, call.UserId)),
            Field.Of("eventTimestamp", w => FirestoreSafeValue.Timestamp(w, call.EventTimestamp)),
            Field.Of("receivedAt", w => FirestoreSafeValue.Timestamp(w, call.ReceivedAt)),
            Field.Of("turnCount", w => FirestoreSafeValue.Integer(w, call.Transcript.Count)),
        };
        Field[] expiry = call.ExpireAt is { } expireAt ? [Field.Of(SessionDocument.ExpireAtField, w => FirestoreSafeValue.Timestamp(w, expireAt))] : [];
        fields.AddRange(expiry);
        foreach (var (name, value) in new[] { ("metadata", call.Metadata), ("analysis", call.Analysis), ("conversationInitiationClientData", call.InitiationData) })
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                fields.Add(Field.Of(name, w => FirestoreSafeValue.Write(w, value)));
            }
        }

        var nameSize = NameSize(documentPath);
        var omitted = new List<string>();
        while (DocumentSize(nameSize, fields) > Budget - 64 * 1024 && Droppable.Where(d => fields.Any(f => f.Name == d))
                   .OrderByDescending(d => fields.First(f => f.Name == d).Size).FirstOrDefault() is { } drop)
        {
            fields.RemoveAll(f => f.Name == drop);
            omitted.Add(drop);
        }

        if (omitted.Count > 0)
        {
            fields.Add(Field.Of("omittedFields", w => Strings(w, omitted)));
        }

        var turns = call.Transcript.Select(turn => (Turn: turn, Value: Turn(turn))).ToList();
        var transcript = Field.Of("transcript", w => WriteArray(w, turns.Select(t => t.Value)));
        if (DocumentSize(nameSize, [.. fields, transcript]) <= Budget)
        {
            return (Body([.. fields, transcript]), []);
        }

        var parts = Split(turns, NameSize(documentPath + "/" + PartsCollection + "/" + PartId(1)) + expiry.Sum(f => FirestoreSafeValue.KeySize(f.Name) + f.Size));
        fields.Add(Field.Of("transcriptParts", w => FirestoreSafeValue.Integer(w, parts.Count)));
        return (Body(fields), [.. parts.Select((part, index) => Body(
        [
            Field.Of("part", w => FirestoreSafeValue.Integer(w, index + 1)),
            Field.Of("firstTurn", w => FirestoreSafeValue.Integer(w, part.FirstTurn)),
            Field.Of("turns", w => WriteArray(w, part.Turns)),
            .. expiry,
        ]))]);
    }

    /// <summary>Consecutive turns packed into parts under the budget; a turn too big for any part alone has its message cut.</summary>
    private static List<(int FirstTurn, List<Value> Turns)> Split(List<(TranscriptTurn Turn, Value Value)> turns, long nameSize)
    {
        // part (8) + firstTurn (8) + the three keys + the document's 32.
        var overhead = nameSize + 32 + FirestoreSafeValue.KeySize("part") + 8 + FirestoreSafeValue.KeySize("firstTurn") + 8
            + FirestoreSafeValue.KeySize("turns");
        var room = Budget - overhead;
        var parts = new List<(int, List<Value>)>();
        var current = new List<Value>();
        long used = 0;
        var first = 0;
        for (var i = 0; i < turns.Count; i++)
        {
            var turn = turns[i].Value.Size <= room ? turns[i].Value : Cut(turns[i].Turn, room);
            if (used + turn.Size > room && current.Count > 0)
            {
                parts.Add((first, current));
                current = [];
                used = 0;
                first = i;
            }

            current.Add(turn);
            used += turn.Size;
        }

        if (current.Count > 0 || parts.Count == 0)
        {
            parts.Add((first, current));
        }

        return parts;
    }

    /// <summary>A turn in ElevenLabs' field names.</summary>
    private static Value Turn(TranscriptTurn turn, bool truncated = false) => Value.Of(w => Map(w, [
        Field.Of("role", x => FirestoreSafeValue.String(x, turn.Role)),
        Field.Of("message", x => FirestoreSafeValue.String(x, turn.Message)),
        Field.Of("time_in_call_secs", x => FirestoreSafeValue.Integer(x, turn.TimeInCallSecs)),
        .. truncated ? [Field.Of("messageTruncated", x => FirestoreSafeValue.Boolean(x, true))] : Array.Empty<Field>(),
    ]));

    /// <summary>A turn whose message alone is over a part: its message cut to fit, and the turn says so.</summary>
    private static Value Cut(TranscriptTurn turn, long room)
    {
        var bytes = Encoding.UTF8.GetBytes(turn.Message ?? "");
        var keep = (int)Math.Clamp(room - 1024, 0, bytes.Length);
        return Turn(turn with { Message = Encoding.UTF8.GetString(bytes, 0, keep).TrimEnd('\uFFFD') }, truncated: true);
    }

    /// <summary>Google's rule: each segment of the name (UTF-8 + 1), plus 16.</summary>
    private static long NameSize(string path) => path.Split('/').Sum(segment => Encoding.UTF8.GetByteCount(Uri.UnescapeDataString(segment)) + 1L) + 16;

    private static long DocumentSize(long nameSize, IEnumerable<Field> fields) => nameSize + 32 + fields.Sum(f => FirestoreSafeValue.KeySize(f.Name) + f.Size);

    private static byte[] Body(IEnumerable<Field> fields) => FirestoreValues.Document(writer =>
    {
        foreach (var field in fields)
        {
            writer.WritePropertyName(field.Name);
            writer.WriteRawValue(field.Json, skipInputValidation: true);
        }
    });

    private static long Map(Utf8JsonWriter writer, IEnumerable<Field> fields)
    {
        long size = 0;
        writer.WriteStartObject();
        writer.WriteStartObject("mapValue");
        writer.WriteStartObject("fields");
        foreach (var field in fields)
        {
            writer.WritePropertyName(field.Name);
            writer.WriteRawValue(field.Json, skipInputValidation: true);
            size += FirestoreSafeValue.KeySize(field.Name) + field.Size;
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        return size;
    }

    private static long WriteArray(Utf8JsonWriter writer, IEnumerable<Value> values)
    {
        long size = 0;
        writer.WriteStartObject();
        writer.WriteStartObject("arrayValue");
        writer.WriteStartArray("values");
        foreach (var value in values)
        {
            writer.WriteRawValue(value.Json, skipInputValidation: true);
            size += value.Size;
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        return size;
    }

    private static long Strings(Utf8JsonWriter writer, IEnumerable<string> values) =>
        WriteArray(writer, values.Select(v => Value.Of(w => FirestoreSafeValue.String(w, v))));

    /// <summary>A Firestore value's JSON and its stored size.</summary>
    private sealed record Value(byte[] Json, long Size)
    {
        public static Value Of(Func<Utf8JsonWriter, long> write)
        {
            using var buffer = new MemoryStream();
            long size;
            using (var writer = new Utf8JsonWriter(buffer))
            {
                size = write(writer);
            }

            return new Value(buffer.ToArray(), size);
        }
    }

    /// <summary>A named field: its value's JSON and stored size.</summary>
    private sealed record Field(string Name, byte[] Json, long Size)
    {
        public static Field Of(string name, Func<Utf8JsonWriter, long> write)
        {
            var value = Value.Of(write);
            return new Field(name, value.Json, value.Size);
        }
    }

    /// <summary>
    /// The stored call read back from its document's <c>fields</c> (<paramref name="parts"/>: the part documents' fields, in
    /// order, when it has <c>transcriptParts</c>): the transcript joined from the parts, ElevenLabs' objects as plain JSON.
    /// </summary>
    public static CallRecord Read(JsonElement fields, IReadOnlyList<JsonElement> parts)
    {
        var turns = new List<TranscriptTurn>();
        if (Values(fields, "transcript") is { } inline)
        {
            turns.AddRange(inline.Select(ReadTurn));
        }

        foreach (var part in parts)
        {
            turns.AddRange((Values(part, "turns") ?? []).Select(ReadTurn));
        }

        var metadata = PlainObject(fields, "metadata");
        var analysis = PlainObject(fields, "analysis");
        var id = Text(fields, "elevenLabsConversationId") ?? "";
        return new CallRecord
        {
            ElevenLabsConversationId = id,
            Source = Text(fields, "source") ?? CallSource.Webhook,
            ConversationId = Text(fields, "conversationId"),
            MatchedBy = Text(fields, "matchedBy"),
            AgentId = Text(fields, "agentId"),
            Status = Text(fields, "status"),
            UserId = Text(fields, "userId"),
            EventTimestamp = Time(fields, "eventTimestamp"),
            ReceivedAt = Time(fields, "receivedAt") ?? DateTimeOffset.UnixEpoch,
            HasAudio = fields.TryGetProperty("hasAudio", out var hasAudio) && hasAudio.TryGetProperty("booleanValue", out var flag) && flag.GetBoolean(),
            Transcript = turns,
            Metadata = metadata,
            Analysis = analysis,
            InitiationData = PlainObject(fields, "conversationInitiationClientData"),
            Summary = new CallSummary { ElevenLabsConversationId = id, Status = Text(fields, "status") },
        };
    }

    /// <summary>How many part documents the call's document says it has (0: the transcript is inline).</summary>
    public static int PartCount(JsonElement fields) => (int)(Integer(fields, "transcriptParts") ?? 0);

    /// <summary>The call document's <c>eventTimestamp</c> (null: fetched by the reconcile pass, or unknown).</summary>
    public static DateTimeOffset? EventTimestamp(JsonElement fields) => Time(fields, "eventTimestamp");

    private static TranscriptTurn ReadTurn(JsonElement value)
    {
        var turn = value.TryGetProperty("mapValue", out var map) && map.TryGetProperty("fields", out var f) ? f : default;
        return new TranscriptTurn(Text(turn, "role"), Text(turn, "message"), Integer(turn, "time_in_call_secs"));
    }

    private static IEnumerable<JsonElement>? Values(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.TryGetProperty("arrayValue", out var array)
            ? array.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array ? values.EnumerateArray() : []
            : null;

    private static JsonElement PlainObject(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.TryGetProperty("mapValue", out _)
            ? FirestoreValues.ToJson(value)
            : default;

    private static string? Text(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.TryGetProperty("stringValue", out var text)
            ? text.GetString()
            : null;

    private static long? Integer(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.TryGetProperty("integerValue", out var text)
        && long.TryParse(text.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;

    private static DateTimeOffset? Time(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.TryGetProperty("timestampValue", out var text)
        && FirestoreValues.TryParseTimestamp(text.GetString(), out var parsed)
            ? parsed
            : null;
}
