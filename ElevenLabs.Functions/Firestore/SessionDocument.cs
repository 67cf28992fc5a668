using System.Text.Json;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;

namespace ElevenLabs.Functions.Firestore;

/// <summary>A <see cref="Session"/> as the Firestore document the Cloud Function wrote (field names and types).</summary>
public static class SessionDocument
{
    /// <summary>
    /// The timestamp field Firestore's TTL policies delete documents by (<c>gcloud firestore fields ttls update expireAt
    /// --collection-group=...</c>): on sessions, calls, transcript parts and daily counts, only when
    /// <c>Sessions:RetentionDays</c> is set.
    /// </summary>
    public const string ExpireAtField = "expireAt";

    /// <summary><c>{"fields":{...}}</c> with every field of the session.</summary>
    public static byte[] Write(Session session) => FirestoreValues.Document(w => WriteFields(w, session));

    /// <summary>Every field of the session, as properties of the <c>fields</c> object <paramref name="w"/> is in.</summary>
    public static void WriteFields(Utf8JsonWriter w, Session session)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(session);
        String(w, "conversationId", session.ConversationId);
        String(w, "agentId", session.AgentId);
        String(w, "userId", session.UserId);
        if (session.OwnerId is { } ownerId)
        {
            String(w, "ownerId", ownerId);
        }

        String(w, "candidateId", session.CandidateId);
        String(w, "jobId", session.JobId);
        w.WritePropertyName("metadata");
        FirestoreValues.WriteFirestoreValue(w, session.Metadata);
        String(w, "status", session.Status);
        Timestamp(w, "createdAt", session.CreatedAt);
        Timestamp(w, "updatedAt", session.UpdatedAt);
        if (session.EndedAt is { } endedAt)
        {
            Timestamp(w, "endedAt", endedAt);
        }

        if (session.EndedBy is { } endedBy)
        {
            String(w, "endedBy", endedBy);
        }

        if (session.ElevenLabsConversationId is { } elevenLabsId)
        {
            String(w, "elevenLabsConversationId", elevenLabsId);
        }

        Strings(w, "elevenLabsConversationIds", session.ElevenLabsConversationIds);
        if (session.LastCall is { } lastCall)
        {
            Call(w, "lastCall", lastCall);
        }

        Strings(w, "pendingCallIds", session.PendingCallIds);
        OptionalTimestamp(w, "reconcileAt", session.ReconcileAt);
        if (session.ExpireAt is { } expireAt)
        {
            Timestamp(w, ExpireAtField, expireAt);
        }
    }

    /// <summary>The fields an update names, and their <c>updateMask.fieldPaths</c>.</summary>
    public static (byte[] Body, IReadOnlyList<string> FieldPaths) WriteChanges(SessionChanges changes)
    {
        var paths = new List<string>();
        var body = FirestoreValues.Document(w =>
        {
            void Add(string name, Action write)
            {
                paths.Add(name);
                write();
            }

            if (changes.Status is { } status)
            {
                Add("status", () => String(w, "status", status));
            }

            if (changes.EndedAt is { } endedAt)
            {
                Add("endedAt", () => Timestamp(w, "endedAt", endedAt));
            }

            if (changes.EndedBy is { } endedBy)
            {
                Add("endedBy", () => String(w, "endedBy", endedBy));
            }

            if (changes.ElevenLabsConversationId is { } elevenLabsId)
            {
                Add("elevenLabsConversationId", () => String(w, "elevenLabsConversationId", elevenLabsId));
            }

            if (changes.ElevenLabsConversationIds is { } elevenLabsIds)
            {
                Add("elevenLabsConversationIds", () => Strings(w, "elevenLabsConversationIds", elevenLabsIds));
            }

            if (changes.LastCall is { } lastCall)
            {
                Add("lastCall", () => Call(w, "lastCall", lastCall));
            }

            if (changes.PendingCallIds is { } pending)
            {
                Add("pendingCallIds", () => Strings(w, "pendingCallIds", pending));
                Add("reconcileAt", () => OptionalTimestamp(w, "reconcileAt", changes.ReconcileAt));
            }

            Add("updatedAt", () => Timestamp(w, "updatedAt", changes.UpdatedAt));
        });
        return (body, paths);
    }

    /// <summary>
    /// Reads a Firestore document (<c>{"name","fields","createTime","updateTime"}</c>). Lenient with documents
    /// older writers left: a missing id comes from the document name, missing times from the document's own
    /// create/update times, a missing status is <c>active</c>, a missing agent is empty (the use cases then use
    /// the configured one).
    /// </summary>
    public static StoredSession Read(JsonElement document)
    {
        var fields = document.TryGetProperty("fields", out var f) ? f : default;
        var updateTime = document.GetProperty("updateTime").GetString()!;
        var createTime = document.TryGetProperty("createTime", out var c) ? c.GetString()! : updateTime;
        var name = document.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var createdAt = Timestamp(fields, "createdAt") ?? FirestoreValues.ParseTimestamp(createTime);
        var elevenLabsId = String(fields, "elevenLabsConversationId");
        var session = new Session
        {
            ConversationId = String(fields, "conversationId") ?? name[(name.LastIndexOf('/') + 1)..],
            AgentId = String(fields, "agentId") ?? "",
            UserId = String(fields, "userId"),
            OwnerId = String(fields, "ownerId"),
            CandidateId = String(fields, "candidateId"),
            JobId = String(fields, "jobId"),
            Metadata = fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty("metadata", out var metadata)
                ? FirestoreValues.ToJson(metadata)
                : JsonDocument.Parse("{}").RootElement.Clone(),
            Status = String(fields, "status") ?? SessionStatus.Active,
            CreatedAt = createdAt,
            UpdatedAt = Timestamp(fields, "updatedAt") ?? createdAt,
            EndedAt = Timestamp(fields, "endedAt"),
            EndedBy = String(fields, "endedBy"),
            ElevenLabsConversationId = elevenLabsId,
            // A document written before the list existed has at most its one id.
            ElevenLabsConversationIds = Strings(fields, "elevenLabsConversationIds") ?? (elevenLabsId is null ? [] : [elevenLabsId]),
            LastCall = Call(fields, "lastCall"),
            PendingCallIds = Strings(fields, "pendingCallIds") ?? [],
            ReconcileAt = Timestamp(fields, "reconcileAt"),
            ExpireAt = Timestamp(fields, ExpireAtField),
        };
        return new StoredSession(session, updateTime);
    }

    private static void String(Utf8JsonWriter writer, string name, string? value)
    {
        writer.WriteStartObject(name);
        if (value is null)
        {
            writer.WriteNull("nullValue");
        }
        else
        {
            writer.WriteString("stringValue", value);
        }

        writer.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartObject(name);
        writer.WriteStartObject("arrayValue");
        writer.WriteStartArray("values");
        foreach (var value in values)
        {
            writer.WriteStartObject();
            writer.WriteString("stringValue", value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The call summary as a map; absent values are left out.</summary>
    private static void Call(Utf8JsonWriter writer, string name, CallSummary call)
    {
        writer.WriteStartObject(name);
        writer.WriteStartObject("mapValue");
        writer.WriteStartObject("fields");
        String(writer, "elevenLabsConversationId", call.ElevenLabsConversationId);
        OptionalString(writer, "status", call.Status);
        if (call.CallDurationSecs is { } duration)
        {
            writer.WriteStartObject("callDurationSecs");
            writer.WriteString("integerValue", duration.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        OptionalString(writer, "callSuccessful", call.CallSuccessful);
        OptionalString(writer, "transcriptSummary", call.TranscriptSummary);
        OptionalString(writer, "terminationReason", call.TerminationReason);
        if (call.StartedAt is { } startedAt)
        {
            Timestamp(writer, "startedAt", startedAt);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void OptionalString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            String(writer, name, value);
        }
    }

    private static void Timestamp(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        writer.WriteStartObject(name);
        writer.WriteString("timestampValue", FirestoreValues.FormatTimestamp(value));
        writer.WriteEndObject();
    }

    /// <summary>A timestamp, or <c>nullValue</c> (a range query on the field leaves it out).</summary>
    private static void OptionalTimestamp(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            Timestamp(writer, name, time);
            return;
        }

        writer.WriteStartObject(name);
        writer.WriteNull("nullValue");
        writer.WriteEndObject();
    }

    private static string? String(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.TryGetProperty("stringValue", out var text)
            ? text.GetString()
            : null;

    /// <summary>An array of strings; null when absent; anything but a string inside is skipped.</summary>
    private static List<string>? Strings(JsonElement fields, string name)
    {
        if (fields.ValueKind != JsonValueKind.Object || !fields.TryGetProperty(name, out var value) || !value.TryGetProperty("arrayValue", out var array))
        {
            return null;
        }

        var list = new List<string>();
        if (array.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in values.EnumerateArray())
            {
                if (item.TryGetProperty("stringValue", out var text) && text.GetString() is { } id)
                {
                    list.Add(id);
                }
            }
        }

        return list;
    }

    /// <summary>The call summary; null when absent or without its id.</summary>
    private static CallSummary? Call(JsonElement fields, string name)
    {
        if (fields.ValueKind != JsonValueKind.Object || !fields.TryGetProperty(name, out var value)
            || !value.TryGetProperty("mapValue", out var map) || !map.TryGetProperty("fields", out var call)
            || String(call, "elevenLabsConversationId") is not { } id)
        {
            return null;
        }

        return new CallSummary
        {
            ElevenLabsConversationId = id,
            Status = String(call, "status"),
            CallDurationSecs = Integer(call, "callDurationSecs"),
            CallSuccessful = String(call, "callSuccessful"),
            TranscriptSummary = String(call, "transcriptSummary"),
            TerminationReason = String(call, "terminationReason"),
            StartedAt = Timestamp(call, "startedAt"),
        };
    }

    private static long? Integer(JsonElement fields, string name) =>
        fields.TryGetProperty(name, out var value) && value.TryGetProperty("integerValue", out var text)
        && long.TryParse(text.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;

    /// <summary>A timestamp; a string holding one (as older writers stored it) is read too; anything else is absent.</summary>
    private static DateTimeOffset? Timestamp(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value)
        && (value.TryGetProperty("timestampValue", out var text) || value.TryGetProperty("stringValue", out text))
        && FirestoreValues.TryParseTimestamp(text.GetString(), out var parsed)
            ? parsed
            : null;
}
