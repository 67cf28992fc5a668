using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.OpenApi;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace ElevenLabs.Functions.Tests.OpenApi;

/// <summary>
/// The OpenAPI document at <c>GET /elevenlabs-conversation/openapi.json</c>: it reads as OpenAPI 3.1 without errors, its
/// request schema has the parser's actions and limits, and every failure the error mapping makes is documented under its
/// status. (Every answer the contract tests receive is checked against it by <see cref="OpenApiValidatingHandler"/>.)
/// </summary>
[TestFixture]
public sealed class OpenApiDocumentTests : AppFixture<ElevenLabsStandIn>
{
    private static JsonNode Document => OpenApiContract.App.Node;

    private static JsonObject Schema(string name) => Document["components"]!["schemas"]![name]!.AsObject();

    [Test]
    public void TheDocumentReadsAsOpenApi31WithoutErrorsOrWarnings()
    {
        var (document, diagnostic) = OpenApiDocument.Parse(Encoding.UTF8.GetString(ApiDescription.Document.Span), OpenApiConstants.Json);

        Assert.That(diagnostic!.Errors, Is.Empty, string.Join("; ", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.That(diagnostic.Warnings, Is.Empty, string.Join("; ", diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.That(diagnostic.SpecificationVersion, Is.EqualTo(OpenApiSpecVersion.OpenApi3_1));
        Assert.That(document!.Paths.Keys, Is.EquivalentTo(new[]
        {
            "/elevenlabs-conversation", "/elevenlabs-conversation/ready", "/elevenlabs-conversation/openapi.json", "/elevenlabs-webhook",
        }));
        var post = document.Paths["/elevenlabs-conversation"].Operations![HttpMethod.Post];
        Assert.That(post.RequestBody!.Content!["application/json"].Schema!.OneOf, Has.Count.EqualTo(ConversationRequestParser.Actions.Count));
    }

    [Test]
    public async Task TheAppServesTheDocumentUnderItsRouteWithTheAppsVersion()
    {
        var response = await App.Client.GetAsync("/elevenlabs-conversation/openapi.json");
        var served = await response.Content.ReadAsByteArrayAsync();
        var health = await AppHost.ReadAsync(await App.Client.GetAsync("/elevenlabs-conversation"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(served, Is.EqualTo(ApiDescription.Document.ToArray()));
        Assert.That(Document["openapi"]!.GetValue<string>(), Does.StartWith("3.1."));
        Assert.That(Document["info"]!["version"]!.GetValue<string>(), Is.EqualTo(health["version"]!.GetValue<string>()),
            "the document describes the version that serves it");
    }

    [Test]
    public void TheRequestBodyIsOneOfDiscriminatedOnActionWithEveryActionTheParserKnows()
    {
        var request = Schema("ConversationRequest");
        var variants = request["oneOf"]!.AsArray().Select(v => v!["$ref"]!.GetValue<string>().Split('/')[^1]).ToList();
        var actions = variants.Select(v => Schema(v)["properties"]!["action"]!["const"]!.GetValue<string>()).ToList();
        var mapping = request["discriminator"]!["mapping"]!.AsObject();

        Assert.That(request["discriminator"]!["propertyName"]!.GetValue<string>(), Is.EqualTo("action"));
        Assert.That(actions, Is.EquivalentTo(ConversationRequestParser.Actions));
        Assert.That(mapping.Select(m => m.Key), Is.EquivalentTo(ConversationRequestParser.Actions));
        foreach (var variant in variants)
        {
            Assert.That(Schema(variant)["required"]!.AsArray().Select(r => r!.GetValue<string>()), Does.Contain("action"), variant);
        }
    }

    [Test]
    public void TheDocumentedLimitsAreTheParsersLimits()
    {
        var create = Schema("CreateSessionRequest")["properties"]!;
        var post = Document["paths"]!["/elevenlabs-conversation"]!["post"]!;

        Assert.That(Schema("ConversationId")["pattern"]!.GetValue<string>(), Is.EqualTo(ConversationId.Pattern));
        foreach (var field in new[] { "userId", "candidateId", "jobId" })
        {
            Assert.That(create[field]!["maxLength"]!.GetValue<int>(), Is.EqualTo(ConversationRequestParser.MaxFieldLength), field);
        }

        Assert.That(Schema("Metadata")["x-max-bytes"]!.GetValue<int>(), Is.EqualTo(ConversationRequestParser.MaxMetadataBytes));
        Assert.That(post["requestBody"]!["x-max-body-bytes"]!.GetValue<int>(), Is.EqualTo(ConversationRequestParser.MaxBodyBytes));
        foreach (var variant in new[] { "GetSignedUrlRequest", "EndSessionRequest", "GetSessionRequest" })
        {
            Assert.That(Schema(variant)["required"]!.AsArray().Select(r => r!.GetValue<string>()), Does.Contain("conversationId"), variant);
        }
    }

    [Test]
    public void EveryRequestExampleIsAValidRequest()
    {
        var examples = Document["paths"]!["/elevenlabs-conversation"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();

        Assert.That(examples.Select(e => e.Key), Is.EquivalentTo(ConversationRequestParser.Actions));
        foreach (var (name, example) in examples)
        {
            var json = example!["value"]!.ToJsonString();
            using var parsed = JsonDocument.Parse(json);
            var (valid, errors) = OpenApiContract.App.Evaluate("/components/schemas/ConversationRequest", parsed.RootElement);
            Assert.That(valid, Is.True, $"{name}: {errors}");
            Assert.That(ConversationRequestParser.Parse(Encoding.UTF8.GetBytes(json)).Action, Is.EqualTo(name), "the app reads it as that action");
        }
    }

    /// <summary>
    /// Every answer's example is that answer's shape (the schema a client generates its types from), and the ones issue 22
    /// added are there: <c>delete_session</c>'s answer (a <c>SessionDeletedResponse</c>), and a not-ready example for
    /// each code only readiness gives.
    /// </summary>
    [Test]
    public void EveryResponseExampleMatchesItsSchemaAndDeleteSessionAndEachReadinessCodeHaveOne()
    {
        static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
        var found = new List<string>();
        foreach (var (path, item) in Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Value is JsonObject { } op && op.ContainsKey("responses")))
            {
                foreach (var (status, response) in operation!["responses"]!.AsObject())
                {
                    foreach (var (mediaType, content) in response!["content"]?.AsObject() ?? [])
                    {
                        foreach (var (name, example) in content!["examples"]?.AsObject() ?? [])
                        {
                            var pointer = $"/paths/{Escape(path)}/{method}/responses/{status}/content/{Escape(mediaType)}/schema";
                            using var value = JsonDocument.Parse(example!["value"]!.ToJsonString());
                            var (valid, errors) = OpenApiContract.App.Evaluate(pointer, value.RootElement);
                            Assert.That(valid, Is.True, $"{method} {path} {status} example {name}: {errors}");
                            found.Add($"{method} {path} {status} {name}");
                        }
                    }
                }
            }
        }

        Assert.That(found, Does.Contain("post /elevenlabs-conversation 200 delete_session"), string.Join(", ", found));
        var deleted = Document["paths"]!["/elevenlabs-conversation"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["examples"]!["delete_session"]!["value"]!;
        using (var deletedValue = JsonDocument.Parse(deleted.ToJsonString()))
        {
            var (valid, errors) = OpenApiContract.App.Evaluate("/components/schemas/SessionDeletedResponse", deletedValue.RootElement);
            Assert.That(valid, Is.True, "delete_session's example is its own answer's shape: " + errors);
        }

        var notReady = Document["paths"]!["/elevenlabs-conversation/ready"]!["get"]!["responses"]!["503"]!["content"]!["application/json"]!["examples"]!.AsObject();
        var exampleCodes = notReady.Select(e => e.Value!["value"]!["checks"]!.AsObject().Select(c => c.Value!["code"]?.GetValue<string>()).OfType<string>())
            .SelectMany(c => c).ToList();
        Assert.That(exampleCodes, Is.SupersetOf(Schema("ReadinessCode")["enum"]!.AsArray().Select(c => c!.GetValue<string>())),
            "each readiness-only code has a not-ready example");
    }

    /// <summary>Every shape of failure the error mapping knows, as it reaches the client.</summary>
    private static IEnumerable<TestCaseData> Failures()
    {
        IEnumerable<Exception> exceptions =
        [
            new UnauthenticatedException(tokenPresent: false, "no token"),
            new UnauthenticatedException(tokenPresent: true, "expired"),
            new AuthUnavailableException("keys down", TimeSpan.FromSeconds(5)),
            new RateLimitedException("too many", TimeSpan.FromSeconds(7)),
            new SessionNotFoundException("conv_x"),
            new SessionNotActiveException("conv_x", SessionStatus.Ended),
            new SessionNotActiveException("conv_x", SessionStatus.Failed),
            new SessionNotActiveException("conv_x", SessionStatus.Expired),
            new SessionConflictException("conv_x", "changed"),
            new SecretNotConfiguredException(SecretKind.ElevenLabsApiKey),
            new SecretNotConfiguredException(SecretKind.FirestoreCredentials),
            new SecretUnavailableException(SecretKind.ElevenLabsApiKey, "down", transient: true),
            new SecretUnavailableException(SecretKind.ElevenLabsApiKey, "403", transient: false),
            .. Enum.GetValues<ElevenLabsFailure>().Select(f => new ElevenLabsException(f, f.ToString())),
            .. Enum.GetValues<SessionStoreFailure>().Select(f => new SessionStoreException(f, f.ToString())),
            new SessionErasureException("conv_x", "Blob Storage", transient: true, new InvalidOperationException("503 ServerBusy")),
            new SessionErasureException("conv_x", "the session store", transient: false, new SessionStoreException(SessionStoreFailure.Failed, "PERMISSION_DENIED")),
            new InvalidOperationException("a bug"),
        ];
        return exceptions.Select(e => new TestCaseData(e).SetArgDisplayNames(e.GetType().Name + ": " + e.Message));
    }

    [TestCaseSource(nameof(Failures))]
    public void EveryFailureTheErrorMappingMakesIsDocumentedUnderItsStatusWithItsHeaders(Exception failure)
    {
        var error = ApiErrors.From(failure, CreateSession.Name);
        var response = new HttpResponseMessage((HttpStatusCode)error.StatusCode)
        {
            Content = new StringContent(JsonSerializer.Serialize(
                new ErrorResponse(false, error.Message, error.Code, error.Detail, "0123456789abcdef0123456789abcdef"), ApiJsonContext.Default.ErrorResponse),
                Encoding.UTF8, "application/json"),
        };
        if (error.RetryAfter is { } after)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(after);
        }

        if (error.Challenge is { } challenge)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        }

        var problems = OpenApiContract.App.Problems("POST", "/elevenlabs-conversation", error.StatusCode, response.Headers, response.Content.Headers,
            response.Content.ReadAsStringAsync().Result);

        Assert.That(problems, Is.Empty, $"{error.StatusCode} {error.Code}");
        Assert.That(Schema("ErrorCode")["enum"]!.AsArray().Select(c => c!.GetValue<string>()), Does.Contain(error.Code));
    }

    [Test]
    public void TheCheckCatchesAnAnswerTheDocumentDoesNotDescribe()
    {
        static IReadOnlyList<string> Check(int status, string body, string path = "/elevenlabs-conversation")
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = new HttpResponseMessage((HttpStatusCode)status) { Content = content };
            return OpenApiContract.App.Problems("POST", path, status, response.Headers, content.Headers, body);
        }

        const string envelope = """{"success":false,"error":"Failed","code":"session_not_found","requestId":"r"}""";
        Assert.That(Check(404, envelope), Is.Empty, "the documented answer passes");
        Assert.That(Check(404, envelope.Replace("session_not_found", "session_vanished", StringComparison.Ordinal)), Is.Not.Empty, "a code not in the enum");
        Assert.That(Check(400, envelope), Is.Not.Empty, "a code documented under another status");
        Assert.That(Check(404, envelope.Replace("\"requestId\"", "\"extra\":1,\"requestId\"", StringComparison.Ordinal)), Is.Not.Empty, "a field not in the document");
        Assert.That(Check(418, envelope), Is.Not.Empty, "a status not in the document");
        Assert.That(Check(503, envelope.Replace("session_not_found", "store_unavailable", StringComparison.Ordinal)), Is.Not.Empty, "a 503 without Retry-After");
        Assert.That(Check(200, """{"success":true,"conversationId":"conv_1","data":{}}"""), Is.Not.Empty, "a success answer of no action's shape");
        Assert.That(Check(200, "{}", "/elevenlabs-conversation/elsewhere"), Is.Not.Empty, "a path not in the document");
    }

    [Test]
    public async Task EveryAnswerOnTheSharedClientIsChecked()
    {
        var before = OpenApiContract.App.Seen.Count;

        await App.PostAsync(new { action = "get_session", conversationId = "conv_nobody" });

        Assert.That(OpenApiContract.App.Seen, Has.Count.GreaterThan(before));
    }
}
