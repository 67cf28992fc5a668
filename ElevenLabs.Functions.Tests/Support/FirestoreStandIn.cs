using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Firestore's REST API v1 on loopback, for the calls the store makes, following Google's documented semantics:
/// create with <c>documentId</c> (409 ALREADY_EXISTS), get (404 NOT_FOUND), patch with <c>updateMask.fieldPaths</c>
/// and <c>currentDocument.exists</c>/<c>updateTime</c> preconditions, error bodies <c>{"error":{code,message,status}}</c>,
/// strict value encoding, <c>POST {parent}:runQuery</c> (see <see cref="FirestoreQueryEngine"/>; a <c>select</c> of
/// <c>__name__</c> only answers documents without fields). It checks a bearer
/// token on every call, and serves Google's OAuth token endpoint at <c>/token</c> (the signed-JWT grant) for
/// service-account keys it is told to trust.
/// </summary>
public sealed partial class FirestoreStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private readonly ConcurrentQueue<(int Code, string Status)> _faults = new();
    private readonly ConcurrentQueue<CreateFault> _createFaults = new();
    private volatile StandingFault? _standingFault;
    private long _clock;

    private FirestoreStandIn(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;
    public string HostAndPort => $"{Url.Host}:{Url.Port}";
    public string TokenUri => new Uri(Url, "/token").ToString();

    /// <summary>Documents by full name (<c>projects/p/databases/d/documents/c/id</c>): fields and updateTime.</summary>
    public ConcurrentDictionary<string, (JsonObject Fields, string CreateTime, string UpdateTime)> Documents { get; } = new();

    /// <summary>Every request as received: method, raw target (undecoded) and Authorization header.</summary>
    public ConcurrentQueue<(string Method, string RawTarget, string? Authorization)> Requests { get; } = new();

    public int TokenRequests => _tokenRequests;
    private int _tokenRequests;

    /// <summary>The public key and e-mail of a service account whose signed JWTs /token accepts.</summary>
    public (RSA Key, string Email)? TrustedAccount { get; set; }

    /// <summary>Awaited before a create is processed: lets a test hold the write until something else happened; false refuses it.</summary>
    public Func<Task<bool>>? BeforeCreate { get; set; }

    /// <summary>
    /// The composite indexes deployed (firebase's <c>firestore.indexes.json</c> format): a query that needs one
    /// that is not there is refused with FAILED_PRECONDITION, as Firestore does. Null accepts every query, as the emulator does.
    /// </summary>
    public JsonObject? Indexes { get; set; }

    /// <summary>Down: every document call has its connection dropped (the token endpoint still answers).</summary>
    public bool Down { get; set; }

    /// <summary>Accepts <paramref name="token"/> as a bearer from now on (one another stand-in issued for <paramref name="who"/>).</summary>
    public void AcceptToken(string token, string who) => _tokens[token] = who;

    /// <summary>Also accept <c>Bearer owner</c>, as the emulator does.</summary>
    public bool AcceptEmulatorOwner { get; set; }

    /// <summary>How long every call (token included) waits before it is served: Google's latency, for the benchmark.</summary>
    public TimeSpan Latency { get; set; }

    public static async Task<FirestoreStandIn> StartAsync()
    {
        var standIn = new FirestoreStandIn(Loopback.NewApp());
        standIn._app.Run(standIn.HandleAsync);
        await standIn._app.StartAsync();
        standIn.Url = standIn._app.Address();
        return standIn;
    }

    /// <summary>The next <paramref name="count"/> document calls fail with this canonical status.</summary>
    public void Fail(string status, int code, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue((code, status));
        }
    }

    /// <summary>
    /// Every document call that <paramref name="matches"/> (its method and path) fails with this canonical status until
    /// <see cref="ClearFaults"/>, however often it is retried: one kind of call out, met midway through a piece of work.
    /// </summary>
    public void FailWhere(Func<string, string, bool> matches, string status, int code) => _standingFault = new StandingFault(matches, code, status);

    /// <summary>The next <paramref name="count"/> creates meet <paramref name="fault"/> (after any <see cref="Fail"/>).</summary>
    public void FailCreates(CreateFault fault, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            _createFaults.Enqueue(fault);
        }
    }

    /// <summary>The fields another writer's document has under <see cref="CreateFault.AnotherWriterFirst"/>.</summary>
    public static JsonObject AnotherWritersFields => new() { ["userId"] = new JsonObject { ["stringValue"] = "another-writer" } };

    public void ClearFaults()
    {
        _faults.Clear();
        _createFaults.Clear();
        _standingFault = null;
        Down = false;
    }

    /// <summary>Stores a document as another writer (the Cloud Function) left it.</summary>
    public void Put(string projectId, string collection, string id, JsonObject fields)
    {
        var now = Tick();
        Documents[$"projects/{projectId}/databases/(default)/documents/{collection}/{id}"] = (fields, now, now);
    }

    public JsonObject? Document(string projectId, string collection, string id) =>
        Documents.TryGetValue($"projects/{projectId}/databases/(default)/documents/{collection}/{id}", out var doc) ? doc.Fields : null;

    private async Task HandleAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        Requests.Enqueue((context.Request.Method, raw, context.Request.Headers.Authorization.ToString()));
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency);
        }

        if (context.Request.Path == "/token")
        {
            await TokenAsync(context);
            return;
        }

        if (Down)
        {
            context.Abort();
            return;
        }

        var bearer = context.Request.Headers.Authorization.ToString();
        if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal)
            || !(_tokens.ContainsKey(bearer[7..]) || (AcceptEmulatorOwner && bearer == "Bearer owner")))
        {
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
            return;
        }

        if (_faults.TryDequeue(out var fault))
        {
            await ErrorAsync(context, fault.Code, fault.Status, "Injected failure.");
            return;
        }

        if (_standingFault is { } standing && standing.Matches(context.Request.Method, context.Request.Path.Value!))
        {
            await ErrorAsync(context, standing.Code, standing.Status, "Injected failure.");
            return;
        }

        if (context.Request.Method == "POST" && context.Request.Path.Value!.EndsWith("/documents:commit", StringComparison.Ordinal))
        {
            await CommitAsync(context);
            return;
        }

        if (context.Request.Method == "POST" && context.Request.Path.Value!.EndsWith(":runQuery", StringComparison.Ordinal))
        {
            await RunQueryAsync(context);
            return;
        }

        // /v1/projects/{p}/databases/{d}/documents/{collection}[/{id}[/{subcollection}[/{id}...]]]: decoded segments,
        // none empty; an odd count after "documents" names a collection, an even count a document.
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.None);
        if (segments.Length < 8 || segments[1] != "v1" || segments[2] != "projects" || segments[4] != "databases" || segments[6] != "documents"
            || segments.Skip(7).Any(s => s.Length == 0))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid resource path {raw}.");
            return;
        }

        var name = string.Join('/', segments[2..]);
        var isDocument = (segments.Length - 7) % 2 == 0;
        await ((context.Request.Method, isDocument) switch
        {
            ("POST", false) => CreateAsync(context, name),
            ("GET", true) => GetAsync(context, name),
            ("PATCH", true) => PatchAsync(context, name),
            _ => ErrorAsync(context, 400, "INVALID_ARGUMENT", $"{context.Request.Method} is not served on {raw}."),
        });
    }

    /// <summary>
    /// What a create's fault does to its answer, once the write is applied: lost (the connection cut), or late (held
    /// until the caller gives up, at most 30 s). False when there is no answer to send.
    /// </summary>
    private static async Task<bool> AnswerDespiteAsync(CreateFault? fault, HttpContext context)
    {
        switch (fault)
        {
            case CreateFault.LoseAnswer:
                context.Abort();
                return false;
            case CreateFault.AnswerAfterCallerGaveUp:
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return !context.RequestAborted.IsCancellationRequested;
            default:
                return true;
        }
    }

    private async Task CreateAsync(HttpContext context, string collection)
    {
        if (BeforeCreate is { } hold && !await hold())
        {
            await ErrorAsync(context, 403, "PERMISSION_DENIED", "Refused by the test's hold.");
            return;
        }

        var id = context.Request.Query["documentId"].ToString();
        var fields = await FieldsAsync(context);
        if (fields is null)
        {
            return;
        }

        var name = collection + "/" + (id.Length > 0 ? id : Guid.NewGuid().ToString("N"));
        if (TooLarge(name, fields) is { } size)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", size);
            return;
        }

        var fault = _createFaults.TryDequeue(out var f) ? f : (CreateFault?)null;
        bool created;
        lock (_gate)
        {
            if (fault == CreateFault.AnotherWriterFirst)
            {
                var then = Tick();
                Documents.TryAdd(name, (AnotherWritersFields, then, then));
            }

            created = !Documents.ContainsKey(name);
            if (created)
            {
                var now = Tick();
                Documents[name] = (fields, now, now);
            }
        }

        if (!await AnswerDespiteAsync(fault, context))
        {
            return;
        }

        await (created ? DocumentAsync(context, name) : ErrorAsync(context, 409, "ALREADY_EXISTS", $"Document already exists: {name}"));
    }

    private async Task GetAsync(HttpContext context, string name)
    {
        if (!Documents.ContainsKey(name))
        {
            await ErrorAsync(context, 404, "NOT_FOUND", $"Document \"{name}\" not found.");
            return;
        }

        await DocumentAsync(context, name);
    }

    private async Task PatchAsync(HttpContext context, string name)
    {
        var fields = await FieldsAsync(context);
        if (fields is null)
        {
            return;
        }

        var query = context.Request.Query;
        var mask = query["updateMask.fieldPaths"].Select(p => p!).ToList();
        var refusal = Patch(name, fields, mask, query);
        await (refusal is { } r ? ErrorAsync(context, r.Code, r.Status, r.Message) : DocumentAsync(context, name));
    }

    private (int Code, string Status, string Message)? Patch(string name, JsonObject fields, List<string> mask, IQueryCollection query)
    {
        lock (_gate)
        {
            var exists = Documents.TryGetValue(name, out var current);
            if (query["currentDocument.exists"] == "true" && !exists)
            {
                return (404, "NOT_FOUND", $"No document to update: {name}");
            }

            if (query["currentDocument.exists"] == "false" && exists)
            {
                return (409, "ALREADY_EXISTS", $"Document already exists: {name}");
            }

            if (query.TryGetValue("currentDocument.updateTime", out var expected) && (!exists || expected != current.UpdateTime))
            {
                return (400, "FAILED_PRECONDITION", "The document was modified since the given update time.");
            }

            JsonObject updated;
            if (mask.Count == 0)
            {
                updated = fields;
            }
            else
            {
                updated = exists ? current.Fields.DeepClone().AsObject() : [];
                foreach (var path in mask)
                {
                    updated.Remove(path);
                    if (fields[path] is { } value)
                    {
                        updated[path] = value.DeepClone();
                    }
                }
            }

            if (TooLarge(name, updated) is { } size)
            {
                return (400, "INVALID_ARGUMENT", size);
            }

            var now = Tick();
            Documents[name] = (updated, exists ? current.CreateTime : now, now);
            return null;
        }
    }


    /// <summary>
    /// <c>POST /v1/{parent}:runQuery</c>, parent the documents root or a document: a JSON array of
    /// <c>{document, readTime}</c>, or one <c>{readTime}</c> without a document when nothing matches.
    /// </summary>
    private async Task RunQueryAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var parent = path["/v1/".Length..^":runQuery".Length];
        var segments = parent.Split('/');
        if (segments.Length < 5 || segments.Length % 2 == 0 || segments[0] != "projects" || segments[2] != "databases" || segments[4] != "documents")
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid parent {parent}.");
            return;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            return;
        }

        var answer = new JsonArray();
        FirestoreQueryEngine.Refusal? refusal;
        lock (_gate)
        {
            var snapshot = Documents.ToDictionary(d => d.Key, d => d.Value.Fields);
            (var names, refusal) = FirestoreQueryEngine.Run(snapshot, parent, body?["structuredQuery"], Indexes, segments[1]);
            var readTime = Tick();
            // select: {fields: [{fieldPath: "__name__"}]} (names only): the document without its fields, as Firestore answers it.
            var namesOnly = body?["structuredQuery"]?["select"]?["fields"] is JsonArray selected
                && selected.All(f => f?["fieldPath"]?.GetValue<string>() == "__name__");
            foreach (var name in names)
            {
                var document = DocumentJson(name);
                if (namesOnly)
                {
                    document.Remove("fields");
                }

                answer.Add(new JsonObject { ["document"] = document, ["readTime"] = readTime });
            }

            if (answer.Count == 0)
            {
                answer.Add(new JsonObject { ["readTime"] = readTime });
            }
        }

        await (refusal is { } r
            ? ErrorAsync(context, r.Code, r.Status, r.Message)
            : Results.Text(answer.ToJsonString(), "application/json").ExecuteAsync(context));
    }

    private async Task<JsonObject?> FieldsAsync(HttpContext context)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            return null;
        }

        var fields = body?["fields"] as JsonObject ?? [];
        foreach (var (name, value) in fields)
        {
            if (Invalid(value) is { } problem)
            {
                await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid value at 'document.fields[{name}]': {problem}");
                return null;
            }
        }

        return fields.DeepClone().AsObject();
    }

    /// <summary>What Google would refuse in a Value: not exactly one type, an integerValue that is not an int64 string, a bad timestamp.</summary>
    /// <summary>
    /// Google's limit: a document is at most 1,048,576 bytes by its storage-size rules (name: each path segment's UTF-8
    /// bytes + 1, plus 16; each field's name (UTF-8 + 1) and value: string UTF-8 + 1, number or timestamp 8, boolean or
    /// null 1, map its keys and values, array its values; plus 32).
    /// </summary>
    public const int MaxDocumentBytes = 1_048_576;

    private static string? TooLarge(string name, JsonObject fields)
    {
        var path = name[(name.IndexOf("/documents/", StringComparison.Ordinal) + "/documents/".Length)..];
        var size = path.Split('/').Sum(s => Encoding.UTF8.GetByteCount(s) + 1L) + 16 + 32
            + fields.Sum(f => Encoding.UTF8.GetByteCount(f.Key) + 1L + StoredSize(f.Value));
        return size > MaxDocumentBytes
            ? $"Document '{name}' cannot be written because its size ({size:N0} bytes) exceeds the maximum allowed size of {MaxDocumentBytes:N0} bytes."
            : null;
    }

    public static long StoredSize(JsonNode? value)
    {
        var (type, inner) = value!.AsObject().First();
        return type switch
        {
            "stringValue" => Encoding.UTF8.GetByteCount(inner!.GetValue<string>()) + 1,
            "booleanValue" or "nullValue" => 1,
            "mapValue" => (inner!["fields"] as JsonObject ?? []).Sum(f => Encoding.UTF8.GetByteCount(f.Key) + 1 + StoredSize(f.Value)),
            "arrayValue" => (inner!["values"] as JsonArray ?? []).Sum(StoredSize),
            _ => 8,
        };
    }

    /// <summary>
    /// What Google refuses in a field's Value: not exactly one type, an integerValue that is not an int64 string, a bad
    /// timestamp; maps and arrays nested deeper than 20 (the field itself is depth 1), an array directly inside an
    /// array, a map key that is empty, <c>__.*__</c> or over 1,500 bytes.
    /// </summary>
    private static string? Invalid(JsonNode? value) => Invalid(value, depth: 1, insideArray: false);

    private static string? Invalid(JsonNode? value, int depth, bool insideArray)
    {
        if (value is not JsonObject typed || typed.Count != 1)
        {
            return "a Value must have exactly one type";
        }

        if (typed.First().Key is "mapValue" or "arrayValue" && depth > 20)
        {
            return "maps and arrays may nest at most 20 deep";
        }

        if (typed.First().Key == "arrayValue" && insideArray)
        {
            return "an array cannot directly contain another array";
        }

        if (typed.First().Key == "mapValue" && (typed.First().Value?["fields"] as JsonObject ?? []).Select(f => f.Key)
                .FirstOrDefault(k => k.Length == 0 || (k.Length >= 4 && k.StartsWith("__", StringComparison.Ordinal) && k.EndsWith("__", StringComparison.Ordinal))
                    || Encoding.UTF8.GetByteCount(k) > 1500) is { } badKey)
        {
            return $"map key '{badKey}' is empty, reserved or too long";
        }

        var (type, inner) = typed.First();
        return type switch
        {
            "stringValue" => inner?.GetValueKind() == JsonValueKind.String ? null : "stringValue must be a string",
            "booleanValue" => inner?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "booleanValue must be a boolean",
            "nullValue" => inner is null ? null : "nullValue must be null",
            "integerValue" => inner?.GetValueKind() == JsonValueKind.String && long.TryParse(inner.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                ? null : "integerValue must be an int64 in a string",
            "doubleValue" => inner?.GetValueKind() == JsonValueKind.Number ? null : "doubleValue must be a number",
            "timestampValue" => inner?.GetValueKind() == JsonValueKind.String && inner.GetValue<string>().EndsWith('Z')
                && DateTimeOffset.TryParse(inner.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? null : "timestampValue must be RFC 3339 UTC",
            "mapValue" => inner is JsonObject map && (map["fields"] is null || map["fields"] is JsonObject)
                ? (map["fields"] as JsonObject ?? []).Select(f => Invalid(f.Value, depth + 1, false)).FirstOrDefault(p => p is not null) : "mapValue must hold fields",
            "arrayValue" => inner is JsonObject array && (array["values"] is null || array["values"] is JsonArray)
                ? (array["values"] as JsonArray ?? []).Select(v => Invalid(v, depth + 1, true)).FirstOrDefault(p => p is not null) : "arrayValue must hold values",
            _ => $"unknown value type {type}",
        };
    }

    private Task DocumentAsync(HttpContext context, string name) =>
        Results.Text(DocumentJson(name).ToJsonString(), "application/json").ExecuteAsync(context);

    private JsonObject DocumentJson(string name)
    {
        var (fields, createTime, updateTime) = Documents[name];
        return new JsonObject
        {
            ["name"] = name,
            ["fields"] = fields.DeepClone(),
            ["createTime"] = createTime,
            ["updateTime"] = updateTime,
        };
    }

    private static Task ErrorAsync(HttpContext context, int code, string status, string message) =>
        Results.Text(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } }.ToJsonString(),
            "application/json", statusCode: code).ExecuteAsync(context);

    /// <summary>A strictly increasing update time, microseconds and nanoseconds as Google writes them.</summary>
    private string Tick()
    {
        var micros = Interlocked.Increment(ref _clock);
        var time = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(micros * 10);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "123Z";
    }

    /// <summary>Google's OAuth token endpoint for the JWT-bearer grant: checks the RS256 signature, issuer, audience (Google's token audience) and scope.</summary>
    private async Task TokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        var form = await context.Request.ReadFormAsync();
        var parts = form["assertion"].ToString().Split('.');
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || parts.Length != 3 || TrustedAccount is not { } account
            || !account.Key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            await Results.Json(new { error = "invalid_grant", error_description = "Invalid JWT Signature." }, statusCode: 400).ExecuteAsync(context);
            return;
        }

        var claims = JsonNode.Parse(Base64Url(parts[1]))!;
        if (claims["iss"]?.GetValue<string>() != account.Email || claims["aud"]?.GetValue<string>() != "https://oauth2.googleapis.com/token"
            || claims["scope"]?.GetValue<string>().Split(' ').Contains("https://www.googleapis.com/auth/datastore") != true)
        {
            await Results.Json(new { error = "invalid_scope", error_description = "Bad claims." }, statusCode: 400).ExecuteAsync(context);
            return;
        }

        var token = "ya29.standin-" + Guid.NewGuid().ToString("N");
        _tokens[token] = account.Email;
        await Results.Json(new { access_token = token, expires_in = 3600, token_type = "Bearer" }).ExecuteAsync(context);
    }

    private static byte[] Base64Url(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record StandingFault(Func<string, string, bool> Matches, int Code, string Status);
}
