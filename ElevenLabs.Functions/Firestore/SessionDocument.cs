using System.Text.Json;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Firestore;

/// <summary>A <see cref="Session"/> as the Firestore document the Cloud Function wrote (field names and types).</summary>
public static class SessionDocument
{
    /// <summary><c>{"fields":{...}}</c> with every field of the session.</summary>
    public static byte[] Write(Session session) => WriteFields(w =>
    {
        String(w, "conversationId", session.ConversationId);
        String(w, "agentId", session.AgentId);
        String(w, "userId", session.UserId);
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

        if (session.ElevenLabsConversationId is { } elevenLabsId)
        {
            String(w, "elevenLabsConversationId", elevenLabsId);
        }

        if (session.FailureCode is { } failureCode)
        {
            String(w, "failureCode", failureCode);
        }
    });

    /// <summary>The fields an update names, and their <c>updateMask.fieldPaths</c>.</summary>
    public static (byte[] Body, IReadOnlyList<string> FieldPaths) WriteChanges(SessionChanges changes)
    {
        var paths = new List<string>();
        var body = WriteFields(w =>
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

            if (changes.ElevenLabsConversationId is { } elevenLabsId)
            {
                Add("elevenLabsConversationId", () => String(w, "elevenLabsConversationId", elevenLabsId));
            }

            if (changes.FailureCode is { } failureCode)
            {
                Add("failureCode", () => String(w, "failureCode", failureCode));
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
        var session = new Session
        {
            ConversationId = String(fields, "conversationId") ?? name[(name.LastIndexOf('/') + 1)..],
            AgentId = String(fields, "agentId") ?? "",
            UserId = String(fields, "userId"),
            CandidateId = String(fields, "candidateId"),
            JobId = String(fields, "jobId"),
            Metadata = fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty("metadata", out var metadata)
                ? FirestoreValues.ToJson(metadata)
                : JsonDocument.Parse("{}").RootElement.Clone(),
            Status = String(fields, "status") ?? SessionStatus.Active,
            CreatedAt = createdAt,
            UpdatedAt = Timestamp(fields, "updatedAt") ?? createdAt,
            EndedAt = Timestamp(fields, "endedAt"),
            ElevenLabsConversationId = String(fields, "elevenLabsConversationId"),
            FailureCode = String(fields, "failureCode"),
        };
        return new StoredSession(session, updateTime);
    }

    private static byte[] WriteFields(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("fields");
            write(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
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

    private static void Timestamp(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        writer.WriteStartObject(name);
        writer.WriteString("timestampValue", FirestoreValues.FormatTimestamp(value));
        writer.WriteEndObject();
    }

    private static string? String(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value) && value.TryGetProperty("stringValue", out var text)
            ? text.GetString()
            : null;

    /// <summary>A timestamp; a string holding one (as older writers stored it) is read too; anything else is absent.</summary>
    private static DateTimeOffset? Timestamp(JsonElement fields, string name) =>
        fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty(name, out var value)
        && (value.TryGetProperty("timestampValue", out var text) || value.TryGetProperty("stringValue", out text))
        && FirestoreValues.TryParseTimestamp(text.GetString(), out var parsed)
            ? parsed
            : null;
}
