using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.OpenApi;
using Json.Schema;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// The app's OpenAPI document as a contract to check answers against: the operation for the method and path, the
/// response for the status (exact, else <c>5XX</c>-style, else <c>default</c>), its required headers, and the body
/// against the response's JSON Schema (OpenAPI 3.1 schemas are JSON Schema 2020-12), evaluated by JsonSchema.Net.
/// </summary>
public sealed class OpenApiContract
{
    private static readonly Uri BaseUri = new("https://elevenlabs-conversation.test/openapi.json");

    /// <summary>JSON Schema 2020-12 that lets OpenAPI's own keywords (discriminator, x-...) stand beside it as annotations.</summary>
    private static readonly Uri DialectId = new("https://elevenlabs-conversation.test/dialect/openapi-3.1");

    private readonly JsonDocument _document;
    private readonly BuildOptions _build;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<(string Method, string Path, int Status, string? Code)> _seen = [];

    public OpenApiContract(ReadOnlyMemory<byte> document)
    {
        _document = JsonDocument.Parse(document);
        Node = JsonNode.Parse(document.Span)!;
        var dialect = Dialect.Draft202012.With([], DialectId, allowUnknownKeywords: true);
        _build = new BuildOptions { Dialect = dialect };
        _build.DialectRegistry.Register(dialect);
        _build.SchemaRegistry.Register(BaseUri, new JsonElementBaseDocument(_document.RootElement, BaseUri));
    }

    /// <summary>The document the app serves.</summary>
    public static OpenApiContract App { get; } = new(ApiDescription.Document);

    public JsonNode Node { get; }

    /// <summary>Every answer received over HTTP and found conforming so far (method, path, status, the envelope's code), for the coverage line the run prints.</summary>
    public IReadOnlyCollection<(string Method, string Path, int Status, string? Code)> Seen => _seen;

    /// <summary>What is wrong with this answer by the document; empty when it conforms.</summary>
    public IReadOnlyList<string> Problems(string method, string path, int status, HttpResponseHeaders headers, HttpContentHeaders contentHeaders, string body)
    {
        var problems = new List<string>();
        var operationName = method.ToLowerInvariant();
        if (Node["paths"]?[path] is not JsonObject pathItem)
        {
            return [$"the path {path} is not in the document"];
        }

        if (pathItem[operationName] is not JsonObject operation)
        {
            return [$"{method} {path} is not in the document"];
        }

        var responses = operation["responses"]!.AsObject();
        var key = new[] { status.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{status / 100}XX", "default" }.FirstOrDefault(responses.ContainsKey);
        if (key is null)
        {
            return [$"{method} {path} documents no {status} answer (documented: {string.Join(", ", responses.Select(r => r.Key))})"];
        }

        var response = responses[key]!.AsObject();
        foreach (var (name, header) in response["headers"]?.AsObject() ?? [])
        {
            var present = headers.TryGetValues(name, out _) || contentHeaders.TryGetValues(name, out _);
            if (header?["required"]?.GetValue<bool>() == true && !present)
            {
                problems.Add($"{status} lacks its required header {name}");
            }
        }

        var mediaType = contentHeaders.ContentType?.MediaType;
        if (response["content"] is not JsonObject content)
        {
            if (body.Length > 0)
            {
                problems.Add($"{status} should have no body, but has {Truncate(body)}");
            }

            return problems;
        }

        if (mediaType is null || !content.ContainsKey(mediaType))
        {
            problems.Add($"{status} is {mediaType ?? "(no content type)"}, documented: {string.Join(", ", content.Select(c => c.Key))}");
            return problems;
        }

        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            problems.Add($"{status} is not JSON ({ex.Message}): {Truncate(body)}");
            return problems;
        }

        using (instance)
        {
            var pointer = $"/paths/{Escape(path)}/{operationName}/responses/{Escape(key)}/content/{Escape(mediaType)}/schema";
            var result = Schema(pointer).Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"));
                problems.Add($"{status} does not match #{pointer}: {string.Join("; ", errors.Take(12))}. Body: {Truncate(body)}");
            }
        }

        return problems;
    }

    /// <summary>Counts an answer received over HTTP that conformed (with the envelope's code, if it has one).</summary>
    public void Record(string method, string path, int status, string body)
    {
        string? code = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            code = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var c)
                && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        catch (JsonException)
        {
            // no body, or not JSON: no code
        }

        _seen.Add((method, path, status, code));
    }

    /// <summary>Whether <paramref name="instance"/> matches the schema at <paramref name="pointer"/> (a JSON pointer into the document), with the errors.</summary>
    public (bool Valid, string Errors) Evaluate(string pointer, JsonElement instance)
    {
        var result = Schema(pointer).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        return (result.IsValid, string.Join("; ", errors));
    }

    private JsonSchema Schema(string pointer) => _schemas.GetOrAdd(pointer, p =>
        JsonSchema.FromText($$"""{"$schema":"{{DialectId}}","$ref":"{{BaseUri}}#{{p}}"}""", _build));

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Truncate(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
