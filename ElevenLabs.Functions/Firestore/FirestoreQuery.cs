using System.Text.Json;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// A <c>structuredQuery</c> for <c>POST {parent}:runQuery</c> over one collection: <c>from</c> (with
/// <c>allDescendants</c>), <c>select</c>, <c>where</c>, <c>orderBy</c>, <c>limit</c>, written as Google documents them.
/// </summary>
internal sealed record FirestoreQuery(string Collection)
{
    public FirestoreFilter? Where { get; init; }

    /// <summary>Field paths to order by, ascending unless marked descending.</summary>
    public IReadOnlyList<(string FieldPath, bool Descending)> OrderBy { get; init; } = [];

    public int? Limit { get; init; }

    /// <summary>The collection at any depth below the parent (<c>from.allDescendants</c>), not only its direct children.</summary>
    public bool AllDescendants { get; init; }

    /// <summary>Only the documents' names (<c>select: {fields: [__name__]}</c>): for deletes, no field is read.</summary>
    public bool NamesOnly { get; init; }

    /// <summary>The request body: <c>{"structuredQuery":{...}}</c>.</summary>
    public byte[] ToRunQueryBody() => FirestoreValues.Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("structuredQuery");
        w.WriteStartArray("from");
        w.WriteStartObject();
        w.WriteString("collectionId", Collection);
        if (AllDescendants)
        {
            w.WriteBoolean("allDescendants", true);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        if (NamesOnly)
        {
            w.WriteStartObject("select");
            w.WriteStartArray("fields");
            w.WriteStartObject();
            w.WriteString("fieldPath", "__name__");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        if (Where is { } where)
        {
            w.WritePropertyName("where");
            where.Write(w);
        }

        if (OrderBy.Count > 0)
        {
            w.WriteStartArray("orderBy");
            foreach (var (path, descending) in OrderBy)
            {
                w.WriteStartObject();
                w.WriteStartObject("field");
                w.WriteString("fieldPath", path);
                w.WriteEndObject();
                w.WriteString("direction", descending ? "DESCENDING" : "ASCENDING");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (Limit is { } limit)
        {
            w.WriteNumber("limit", limit);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });
}

/// <summary>A <c>where</c> clause: a <c>fieldFilter</c> or a <c>compositeFilter</c> (AND / OR).</summary>
internal abstract record FirestoreFilter
{
    /// <summary><c>fieldPath op "text"</c>, the value a <c>stringValue</c>.</summary>
    public static FirestoreFilter String(string fieldPath, string op, string value) => new Field(fieldPath, op, "stringValue", value);

    /// <summary><c>fieldPath op timestamp</c>, the value a <c>timestampValue</c> (RFC 3339 UTC, microseconds).</summary>
    public static FirestoreFilter Timestamp(string fieldPath, string op, DateTimeOffset value) =>
        new Field(fieldPath, op, "timestampValue", FirestoreValues.FormatTimestamp(value));

    public static FirestoreFilter And(params FirestoreFilter[] filters) => new Composite("AND", filters);

    public static FirestoreFilter Or(params FirestoreFilter[] filters) => new Composite("OR", filters);

    public abstract void Write(Utf8JsonWriter writer);

    private sealed record Field(string FieldPath, string Op, string ValueType, string Value) : FirestoreFilter
    {
        public override void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("fieldFilter");
            writer.WriteStartObject("field");
            writer.WriteString("fieldPath", FieldPath);
            writer.WriteEndObject();
            writer.WriteString("op", Op);
            writer.WriteStartObject("value");
            writer.WriteString(ValueType, Value);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    private sealed record Composite(string Op, IReadOnlyList<FirestoreFilter> Filters) : FirestoreFilter
    {
        public override void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("compositeFilter");
            writer.WriteString("op", Op);
            writer.WriteStartArray("filters");
            foreach (var filter in Filters)
            {
                filter.Write(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }
}
