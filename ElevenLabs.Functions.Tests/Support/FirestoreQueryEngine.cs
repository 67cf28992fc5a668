using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Runs a <c>structuredQuery</c> over the stand-in's documents as Firestore documents it: <c>from</c> (one collection,
/// or all descendants), <c>where</c> (<c>fieldFilter</c>, <c>compositeFilter</c> AND/OR, <c>unaryFilter</c>),
/// <c>orderBy</c>, <c>limit</c>. Values compare in Firestore's type order (null, boolean, number, timestamp, string,
/// ..., array, map); a range filter only matches values of its own type; a document lacking an ordered field is
/// left out; results are ordered by the explicit <c>orderBy</c>, then the inequality fields, then the document name.
/// With the project's index file it also refuses, like Firestore, a query that needs a composite index the file lacks.
/// </summary>
internal static class FirestoreQueryEngine
{
    private static readonly HashSet<string> EqualityOps = ["EQUAL", "IN", "ARRAY_CONTAINS", "ARRAY_CONTAINS_ANY"];
    private static readonly HashSet<string> InequalityOps = ["LESS_THAN", "LESS_THAN_OR_EQUAL", "GREATER_THAN", "GREATER_THAN_OR_EQUAL", "NOT_EQUAL", "NOT_IN"];

    /// <summary>A refusal, as Google's error body would carry it.</summary>
    public sealed record Refusal(int Code, string Status, string Message);

    /// <summary>The matching document names, in order, or why Firestore would refuse the query.</summary>
    public static (IReadOnlyList<string> Names, Refusal? Refusal) Run(
        IReadOnlyDictionary<string, JsonObject> documents, string parent, JsonNode? structuredQuery, JsonObject? indexes, string projectId)
    {
        if (structuredQuery is not JsonObject query)
        {
            return ([], Invalid("structuredQuery is required."));
        }

        if (query["from"] is not JsonArray { Count: 1 } from || from[0]?["collectionId"]?.GetValue<string>() is not { Length: > 0 } collectionId)
        {
            return ([], Invalid("from must name exactly one collection."));
        }

        var allDescendants = from[0]?["allDescendants"]?.GetValue<bool>() == true;
        List<List<JsonObject>> disjunction;
        try
        {
            disjunction = query["where"] is { } where ? Dnf(where) : [[]];
        }
        catch (InvalidOperationException ex)
        {
            return ([], Invalid(ex.Message));
        }

        List<(string Path, bool Descending)> orderBy = [];
        foreach (var order in query["orderBy"] as JsonArray ?? [])
        {
            var path = order?["field"]?["fieldPath"]?.GetValue<string>();
            if (string.IsNullOrEmpty(path))
            {
                return ([], Invalid("orderBy needs a field."));
            }

            orderBy.Add((path, order!["direction"]?.GetValue<string>() == "DESCENDING"));
        }

        int? limit = null;
        if (query["limit"] is { } limitNode)
        {
            var value = limitNode is JsonObject wrapper ? wrapper["value"] : limitNode;
            if (value?.GetValueKind() != JsonValueKind.Number || value.GetValue<int>() < 0)
            {
                return ([], Invalid("limit must be a non-negative integer."));
            }

            limit = value.GetValue<int>();
        }

        // Firestore orders by the inequality fields after the explicit ones, then by the document name.
        foreach (var path in disjunction.SelectMany(c => c).Where(IsInequality).Select(FieldPath).Distinct())
        {
            if (orderBy.All(o => o.Path != path))
            {
                orderBy.Add((path, false));
            }
        }

        if (indexes is not null)
        {
            foreach (var conjunction in disjunction)
            {
                if (MissingIndex(conjunction, orderBy, collectionId, allDescendants, indexes) is { } needed)
                {
                    return ([], new Refusal(400, "FAILED_PRECONDITION",
                        $"The query requires an index. You can create it here: https://console.firebase.google.com/v1/r/project/{projectId}/firestore/indexes?create_composite={Uri.EscapeDataString(needed)}"));
                }
            }
        }

        var prefix = parent + "/";
        var candidates = documents
            .Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal) && InCollection(d.Key[prefix.Length..], collectionId, allDescendants))
            .Where(d => disjunction.Any(conjunction => conjunction.All(filter => Matches(filter, d.Value))))
            .Where(d => orderBy.All(o => o.Path == "__name__" || Lookup(d.Value, o.Path) is not null))
            .ToList();
        var lastDescending = orderBy.Count > 0 && orderBy[^1].Descending;
        candidates.Sort((a, b) =>
        {
            foreach (var (path, descending) in orderBy)
            {
                var compared = path == "__name__"
                    ? string.CompareOrdinal(a.Key, b.Key)
                    : Compare(Lookup(a.Value, path)!, Lookup(b.Value, path)!);
                if (compared != 0)
                {
                    return descending ? -compared : compared;
                }
            }

            var byName = string.CompareOrdinal(a.Key, b.Key);
            return lastDescending ? -byName : byName;
        });

        IEnumerable<string> names = candidates.Select(c => c.Key);
        return ([.. limit is { } n ? names.Take(n) : names], null);
    }

    private static Refusal Invalid(string message) => new(400, "INVALID_ARGUMENT", message);

    private static bool InCollection(string rest, string collectionId, bool allDescendants)
    {
        var segments = rest.Split('/');
        if (!allDescendants)
        {
            return segments.Length == 2 && segments[0] == collectionId;
        }

        return segments.Length >= 2 && segments.Length % 2 == 0 && segments[^2] == collectionId;
    }

    /// <summary>The where clause as an OR of ANDs of field and unary filters.</summary>
    private static List<List<JsonObject>> Dnf(JsonNode filter)
    {
        if (filter["compositeFilter"] is JsonObject composite)
        {
            var children = (composite["filters"] as JsonArray ?? []).Select(f => Dnf(f ?? throw new InvalidOperationException("A filter is empty."))).ToList();
            if (children.Count == 0)
            {
                throw new InvalidOperationException("A compositeFilter needs filters.");
            }

            return composite["op"]?.GetValue<string>() switch
            {
                "OR" => [.. children.SelectMany(c => c)],
                "AND" => children.Aggregate(new List<List<JsonObject>> { new() }, (acc, child) =>
                    [.. acc.SelectMany(left => child.Select(right => left.Concat(right).ToList()))]),
                var op => throw new InvalidOperationException($"Unknown compositeFilter op {op}."),
            };
        }

        if (filter["fieldFilter"] is JsonObject field)
        {
            var op = field["op"]?.GetValue<string>() ?? "";
            if (!EqualityOps.Contains(op) && !InequalityOps.Contains(op))
            {
                throw new InvalidOperationException($"Unknown fieldFilter op {op}.");
            }

            if (field["field"]?["fieldPath"]?.GetValue<string>() is not { Length: > 0 } || field["value"] is not JsonObject)
            {
                throw new InvalidOperationException("A fieldFilter needs a field and a value.");
            }

            return [[field]];
        }

        if (filter["unaryFilter"] is JsonObject unary)
        {
            return [[unary]];
        }

        throw new InvalidOperationException("A filter must be a fieldFilter, compositeFilter or unaryFilter.");
    }

    private static string FieldPath(JsonObject filter) => filter["field"]!["fieldPath"]!.GetValue<string>();

    private static bool IsInequality(JsonObject filter) => filter["op"]?.GetValue<string>() is { } op && InequalityOps.Contains(op);

    private static bool Matches(JsonObject filter, JsonObject fields)
    {
        var actual = Lookup(fields, FieldPath(filter));
        var op = filter["op"]!.GetValue<string>();
        if (filter["value"] is not JsonObject expected)
        {
            // unaryFilter
            return op switch
            {
                "IS_NULL" => actual is not null && Type(actual) == "nullValue",
                "IS_NOT_NULL" => actual is not null && Type(actual) != "nullValue",
                "IS_NAN" => actual is not null && IsNaN(actual),
                "IS_NOT_NAN" => actual is not null && !IsNaN(actual) && Type(actual) != "nullValue",
                _ => false,
            };
        }

        if (actual is null)
        {
            return false;
        }

        switch (op)
        {
            case "EQUAL":
                return Equal(actual, expected);
            case "NOT_EQUAL":
                return Type(actual) != "nullValue" && !Equal(actual, expected);
            case "IN":
                return Values(expected).Any(v => Equal(actual, v));
            case "NOT_IN":
                return Type(actual) != "nullValue" && !Values(expected).Any(v => Equal(actual, v));
            case "ARRAY_CONTAINS":
                return Type(actual) == "arrayValue" && Values(actual).Any(v => Equal(v, expected));
            case "ARRAY_CONTAINS_ANY":
                return Type(actual) == "arrayValue" && Values(actual).Any(v => Values(expected).Any(e => Equal(v, e)));
        }

        // Range: only values of the same type class match.
        if (Rank(actual) != Rank(expected) || IsNaN(actual) || IsNaN(expected))
        {
            return false;
        }

        var compared = Compare(actual, expected);
        return op switch
        {
            "LESS_THAN" => compared < 0,
            "LESS_THAN_OR_EQUAL" => compared <= 0,
            "GREATER_THAN" => compared > 0,
            "GREATER_THAN_OR_EQUAL" => compared >= 0,
            _ => false,
        };
    }

    /// <summary>A dotted field path (segments may be quoted with backticks) inside the document's fields.</summary>
    private static JsonObject? Lookup(JsonObject fields, string path)
    {
        JsonObject? current = fields;
        JsonObject? value = null;
        foreach (var segment in Segments(path))
        {
            if (current?[segment] is not JsonObject found)
            {
                return null;
            }

            value = found;
            current = found["mapValue"]?["fields"] as JsonObject;
        }

        return value;
    }

    private static IEnumerable<string> Segments(string path)
    {
        var segment = new StringBuilder();
        var quoted = false;
        foreach (var c in path)
        {
            if (c == '`')
            {
                quoted = !quoted;
            }
            else if (c == '.' && !quoted)
            {
                yield return segment.ToString();
                segment.Clear();
            }
            else
            {
                segment.Append(c);
            }
        }

        yield return segment.ToString();
    }

    private static string Type(JsonObject value) => value.First().Key;

    private static IEnumerable<JsonObject> Values(JsonObject arrayValue) =>
        (arrayValue["arrayValue"]?["values"] as JsonArray ?? []).OfType<JsonObject>();

    private static bool IsNaN(JsonObject value) =>
        Type(value) == "doubleValue" && value["doubleValue"]!.GetValueKind() == JsonValueKind.String && value["doubleValue"]!.GetValue<string>() == "NaN";

    /// <summary>Firestore's order of value types.</summary>
    private static int Rank(JsonObject value) => Type(value) switch
    {
        "nullValue" => 0,
        "booleanValue" => 1,
        "integerValue" or "doubleValue" => 2,
        "timestampValue" => 3,
        "stringValue" => 4,
        "bytesValue" => 5,
        "referenceValue" => 6,
        "geoPointValue" => 7,
        "arrayValue" => 8,
        "mapValue" => 9,
        _ => 10,
    };

    private static bool Equal(JsonObject a, JsonObject b) => Rank(a) == Rank(b) && !IsNaN(a) && Compare(a, b) == 0;

    private static int Compare(JsonObject a, JsonObject b)
    {
        var byRank = Rank(a).CompareTo(Rank(b));
        if (byRank != 0)
        {
            return byRank;
        }

        switch (Rank(a))
        {
            case 0:
                return 0;
            case 1:
                return a["booleanValue"]!.GetValue<bool>().CompareTo(b["booleanValue"]!.GetValue<bool>());
            case 2:
                return Number(a).CompareTo(Number(b));
            case 3:
                return Instant(a).CompareTo(Instant(b));
            case 4:
                // Firestore orders strings by their UTF-8 bytes.
                return Encoding.UTF8.GetBytes(a["stringValue"]!.GetValue<string>()).AsSpan()
                    .SequenceCompareTo(Encoding.UTF8.GetBytes(b["stringValue"]!.GetValue<string>()));
            case 8:
                var left = Values(a).ToList();
                var right = Values(b).ToList();
                for (var i = 0; i < Math.Min(left.Count, right.Count); i++)
                {
                    var item = Compare(left[i], right[i]);
                    if (item != 0)
                    {
                        return item;
                    }
                }

                return left.Count.CompareTo(right.Count);
            default:
                return string.CompareOrdinal(a.ToJsonString(), b.ToJsonString());
        }
    }

    private static double Number(JsonObject value) => Type(value) == "integerValue"
        ? long.Parse(value["integerValue"]!.GetValue<string>(), CultureInfo.InvariantCulture)
        : value["doubleValue"]!.GetValueKind() == JsonValueKind.Number ? value["doubleValue"]!.GetValue<double>() : double.NaN;

    /// <summary>RFC 3339 to ticks (nanoseconds past the 7th digit dropped).</summary>
    private static DateTime Instant(JsonObject value)
    {
        var text = value["timestampValue"]!.GetValue<string>();
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            text = text[..Math.Min(end, dot + 8)] + text[end..];
        }

        return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
    }

    /// <summary>
    /// Single-field indexes serve a query on one field, and equalities on any number of fields (merged). A query with
    /// a range or an order on one field and anything on another needs a composite index: the equality fields (any
    /// order), then the ordered fields in order and direction. Returns a description of the index it needs, or null.
    /// </summary>
    private static string? MissingIndex(List<JsonObject> conjunction, List<(string Path, bool Descending)> orderBy, string collectionId, bool allDescendants, JsonObject indexes)
    {
        var ordered = orderBy.Where(o => o.Path != "__name__").ToList();
        var equalities = conjunction.Where(f => !IsInequality(f) && f["value"] is not null)
            .Select(f => (Path: FieldPath(f), Contains: f["op"]!.GetValue<string>() is "ARRAY_CONTAINS" or "ARRAY_CONTAINS_ANY"))
            .Where(e => ordered.All(o => o.Path != e.Path))
            .Distinct()
            .ToList();
        if (ordered.Count == 0 || equalities.Count + ordered.Count <= 1)
        {
            return null;
        }

        var scope = allDescendants ? "COLLECTION_GROUP" : "COLLECTION";
        foreach (var index in (indexes["indexes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (index["collectionGroup"]?.GetValue<string>() != collectionId || (index["queryScope"]?.GetValue<string>() ?? "COLLECTION") != scope)
            {
                continue;
            }

            var fields = (index["fields"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(f => f["fieldPath"]?.GetValue<string>() != "__name__").ToList();
            if (fields.Count != equalities.Count + ordered.Count)
            {
                continue;
            }

            var head = fields.Take(equalities.Count).ToList();
            var headMatches = equalities.All(e => head.Any(f => f["fieldPath"]?.GetValue<string>() == e.Path
                && (e.Contains ? f["arrayConfig"]?.GetValue<string>() == "CONTAINS" : f["order"] is not null)));
            var tailMatches = fields.Skip(equalities.Count).Zip(ordered).All(pair =>
                pair.First["fieldPath"]?.GetValue<string>() == pair.Second.Path
                && pair.First["order"]?.GetValue<string>() == (pair.Second.Descending ? "DESCENDING" : "ASCENDING"));
            if (headMatches && tailMatches)
            {
                return null;
            }
        }

        return $"{collectionId}: " + string.Join(", ", equalities.Select(e => e.Path + (e.Contains ? " CONTAINS" : " ASCENDING"))
            .Concat(ordered.Select(o => o.Path + (o.Descending ? " DESCENDING" : " ASCENDING"))));
    }
}
