using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// <c>POST .../documents:commit</c> as Google documents it: every write applied atomically or none; a write is an
/// <c>update</c> (the whole document, or with <c>updateMask.fieldPaths</c> only the fields named; a missing document is
/// created) or a <c>delete</c>, under an optional <c>currentDocument</c> precondition (<c>exists</c>: 404 NOT_FOUND /
/// 409 ALREADY_EXISTS; <c>updateTime</c>: 400 FAILED_PRECONDITION), followed by its <c>updateTransforms</c>:
/// <c>increment</c>, <c>maximum</c>, <c>minimum</c> (integer arithmetic saturating at int64, double when either side is
/// one, a missing or non-numeric field set to the operand; the result is the new value), <c>appendMissingElements</c> and
/// <c>removeAllFromArray</c> (the result is null), <c>setToServerValue: REQUEST_TIME</c> (the commit time). A field both
/// in the mask and transformed, or transformed twice, is 400 INVALID_ARGUMENT. The answer is
/// <c>{"writeResults":[{"updateTime","transformResults":[...]}],"commitTime"}</c>. Field paths are top-level names.
/// A commit with a create (an <c>update</c> under <c>currentDocument.exists: false</c>) meets <see cref="BeforeCreate"/>
/// and the create faults (<see cref="FailCreates"/>) as a <c>documentId</c> create does.
/// </summary>
public sealed partial class FirestoreStandIn
{
    private int _commits;

    /// <summary>Awaited before a commit is applied: lets a test hold it until something else happened; false refuses it.</summary>
    public Func<Task<bool>>? BeforeCommit { get; set; }

    /// <summary>Commits received (before any hold or refusal).</summary>
    public int Commits => Volatile.Read(ref _commits);

    private async Task CommitAsync(HttpContext context)
    {
        Interlocked.Increment(ref _commits);
        if (BeforeCommit is { } hold && !await hold())
        {
            await ErrorAsync(context, 403, "PERMISSION_DENIED", "Refused by the test's hold.");
            return;
        }

        JsonNode? body;
        try
        {
            // A commit wraps a document three levels deeper than a create does; a map nested 20 deep (Firestore's
            // limit) is then past System.Text.Json's default depth of 64, not past Google's parser.
            body = await JsonNode.ParseAsync(context.Request.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            return;
        }

        var writes = body?["writes"] as JsonArray ?? [];
        // A commit that creates (an update under currentDocument.exists false) meets the create hold and faults too.
        var created = writes.OfType<JsonObject>()
            .Where(w => w["update"] is JsonObject && w["currentDocument"]?["exists"] is JsonValue e && e.GetValueKind() == JsonValueKind.False)
            .Select(w => w["update"]!["name"]?.GetValue<string>()).FirstOrDefault();
        CreateFault? fault = null;
        if (created is not null)
        {
            if (BeforeCreate is { } holdCreate && !await holdCreate())
            {
                await ErrorAsync(context, 403, "PERMISSION_DENIED", "Refused by the test's hold.");
                return;
            }

            fault = _createFaults.TryDequeue(out var f) ? f : null;
        }

        (int Code, string Status, string Message)? refusal = null;
        var results = new JsonArray();
        string commitTime;
        lock (_gate)
        {
            if (fault == CreateFault.AnotherWriterFirst)
            {
                var then = Tick();
                Documents.TryAdd(created!, (AnotherWritersFields, then, then));
            }

            commitTime = Tick();
            var staged = new Dictionary<string, (JsonObject? Fields, string CreateTime)>(StringComparer.Ordinal);
            foreach (var write in writes)
            {
                refusal = Stage(write as JsonObject, staged, commitTime, out var result);
                if (refusal is not null)
                {
                    break;
                }

                results.Add(result);
            }

            if (refusal is null)
            {
                foreach (var (name, (fields, createTime)) in staged)
                {
                    if (fields is null)
                    {
                        Documents.TryRemove(name, out _);
                    }
                    else
                    {
                        Documents[name] = (fields, createTime, commitTime);
                    }
                }
            }
        }

        if (!await AnswerDespiteAsync(fault, context))
        {
            return;
        }

        await (refusal is { } r
            ? ErrorAsync(context, r.Code, r.Status, r.Message)
            : Results.Text(new JsonObject { ["writeResults"] = results, ["commitTime"] = commitTime }.ToJsonString(), "application/json").ExecuteAsync(context));
    }

    /// <summary>Checks one write against the documents as the writes before it in the commit left them, and stages its effect.</summary>
    private (int Code, string Status, string Message)? Stage(
        JsonObject? write, Dictionary<string, (JsonObject? Fields, string CreateTime)> staged, string commitTime, out JsonObject result)
    {
        result = [];
        if (write is null || (write["update"] is JsonObject) == (write["delete"] is JsonValue))
        {
            return (400, "INVALID_ARGUMENT", "A write must have exactly one of update or delete.");
        }

        var name = write["update"] is JsonObject update ? update["name"]?.GetValue<string>() : write["delete"]!.GetValue<string>();
        if (name is null || !name.StartsWith("projects/", StringComparison.Ordinal) || !name.Contains("/documents/", StringComparison.Ordinal))
        {
            return (400, "INVALID_ARGUMENT", $"Invalid document name: {name}");
        }

        var (current, createTime) = staged.TryGetValue(name, out var s) ? (s.Fields, s.CreateTime)
            : Documents.TryGetValue(name, out var d) ? (d.Fields, d.CreateTime) : (null, commitTime);
        var updateTime = current is null ? null : staged.ContainsKey(name) ? commitTime : Documents[name].UpdateTime;
        if (write["currentDocument"] is JsonObject precondition)
        {
            if (precondition["exists"]?.GetValue<bool>() is { } exists && exists != current is not null)
            {
                return exists ? (404, "NOT_FOUND", $"No document to update: {name}") : (409, "ALREADY_EXISTS", $"Document already exists: {name}");
            }

            if (precondition["updateTime"]?.GetValue<string>() is { } expected && expected != updateTime)
            {
                return (400, "FAILED_PRECONDITION", "The document was modified since the given update time.");
            }
        }

        if (write["delete"] is not null)
        {
            staged[name] = (null, createTime);
            return null;
        }

        var fields = write["update"]!["fields"] as JsonObject ?? [];
        foreach (var (field, value) in fields)
        {
            if (Invalid(value) is { } problem)
            {
                return (400, "INVALID_ARGUMENT", $"Invalid value at 'writes.update.fields[{field}]': {problem}");
            }
        }

        var mask = (write["updateMask"]?["fieldPaths"] as JsonArray)?.Select(p => p!.GetValue<string>()).ToList();
        JsonObject next;
        if (mask is null)
        {
            next = fields.DeepClone().AsObject();
        }
        else
        {
            next = current?.DeepClone().AsObject() ?? [];
            foreach (var path in mask)
            {
                next.Remove(path);
                if (fields[path] is { } value)
                {
                    next[path] = value.DeepClone();
                }
            }
        }

        var transformed = new HashSet<string>(StringComparer.Ordinal);
        var transformResults = new JsonArray();
        foreach (var transform in write["updateTransforms"] as JsonArray ?? [])
        {
            var path = transform?["fieldPath"]?.GetValue<string>();
            if (path is null || mask?.Contains(path) == true || !transformed.Add(path))
            {
                return (400, "INVALID_ARGUMENT", $"Field {path} cannot be both updated and transformed, or transformed twice, in one write.");
            }

            var outcome = Transform(transform!.AsObject(), next[path], commitTime);
            if (outcome.Error is { } error)
            {
                return (400, "INVALID_ARGUMENT", error);
            }

            next[path] = outcome.Value;
            transformResults.Add(outcome.Result);
        }

        if (TooLarge(name, next) is { } size)
        {
            return (400, "INVALID_ARGUMENT", size);
        }

        staged[name] = (next, createTime);
        result = new JsonObject { ["updateTime"] = commitTime };
        if (transformResults.Count > 0)
        {
            result["transformResults"] = transformResults;
        }

        return null;
    }

    private static (JsonNode? Value, JsonNode? Result, string? Error) Transform(JsonObject transform, JsonNode? current, string commitTime)
    {
        if (transform["setToServerValue"]?.GetValue<string>() is { } serverValue)
        {
            if (serverValue != "REQUEST_TIME")
            {
                return (null, null, $"Unknown server value {serverValue}.");
            }

            var time = new JsonObject { ["timestampValue"] = commitTime };
            return (time, time.DeepClone(), null);
        }

        foreach (var kind in new[] { "increment", "maximum", "minimum" })
        {
            if (transform[kind] is JsonObject operand)
            {
                if (!IsNumber(operand))
                {
                    return (null, null, $"{kind} must be an integer or a double value.");
                }

                var value = IsNumber(current) ? Arithmetic(kind, current!.AsObject(), operand) : operand.DeepClone();
                return (value, value.DeepClone(), null);
            }
        }

        foreach (var kind in new[] { "appendMissingElements", "removeAllFromArray" })
        {
            if (transform[kind] is JsonObject elements)
            {
                var existing = (current?["arrayValue"]?["values"] as JsonArray)?.Select(v => v!.DeepClone()).ToList() ?? [];
                foreach (var element in elements["values"] as JsonArray ?? [])
                {
                    if (kind == "appendMissingElements" && !existing.Any(e => SameValue(e, element)))
                    {
                        existing.Add(element!.DeepClone());
                    }
                    else if (kind == "removeAllFromArray")
                    {
                        existing.RemoveAll(e => SameValue(e, element));
                    }
                }

                return (new JsonObject { ["arrayValue"] = new JsonObject { ["values"] = new JsonArray([.. existing]) } },
                    new JsonObject { ["nullValue"] = null }, null);
            }
        }

        return (null, null, "A field transform must have exactly one transform type.");
    }

    private static bool IsNumber(JsonNode? value) => value is JsonObject o && (o.ContainsKey("integerValue") || o.ContainsKey("doubleValue"));

    /// <summary>Integers saturate at int64; a double on either side makes both doubles (IEEE 754).</summary>
    private static JsonObject Arithmetic(string kind, JsonObject current, JsonObject operand)
    {
        if (current["integerValue"] is { } a && operand["integerValue"] is { } b)
        {
            var x = long.Parse(a.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var y = long.Parse(b.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var r = kind switch
            {
                "increment" => (long)Math.Clamp((decimal)x + y, long.MinValue, long.MaxValue),
                "maximum" => Math.Max(x, y),
                _ => Math.Min(x, y),
            };
            return new JsonObject { ["integerValue"] = r.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        double D(JsonObject v) => v["doubleValue"]?.GetValue<double>() ?? long.Parse(v["integerValue"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var (p, q) = (D(current), D(operand));
        return new JsonObject { ["doubleValue"] = kind switch { "increment" => p + q, "maximum" => Math.Max(p, q), _ => Math.Min(p, q) } };
    }

    /// <summary>Equal Firestore values; 3 and 3.0 are equal, as Google compares array elements.</summary>
    private static bool SameValue(JsonNode? a, JsonNode? b) =>
        IsNumber(a) && IsNumber(b)
            ? Arithmetic("minimum", a!.AsObject(), b!.AsObject()).ToJsonString() == Arithmetic("maximum", a!.AsObject(), b!.AsObject()).ToJsonString()
            : JsonNode.DeepEquals(a, b);
}
