using ElevenLabs.Functions.Firestore;
using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// The limit: the same three actions made directly against the stand-ins with only the dependency calls each
/// cannot avoid. create: a signed URL, then one write (a <c>:commit</c> of the document with ElevenLabs' id in it,
/// never over another, and the caller's daily count, as the quota needs); get_signed_url:
/// a read, a signed URL, a write conditional on the read's update time; end: a read, a conditional write. The
/// bearer token is fetched once, as any client caches it.
/// </summary>
internal sealed class LimitInterviewClient : IInterviewClient
{
    private const string AgentId = "EVQJtCNSo0L6uHQnImQu";
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _elevenLabs;
    private readonly HttpClient _firestore;
    private readonly string _collection;
    private readonly string _documents;

    private LimitInterviewClient(HttpClient elevenLabs, HttpClient firestore, string collection, string documents)
    {
        _elevenLabs = elevenLabs;
        _firestore = firestore;
        _collection = collection;
        _documents = documents;
    }

    public static async Task<LimitInterviewClient> StartAsync(FirestoreRig rig, HttpClient elevenLabs, HttpClient firestore)
    {
        elevenLabs.BaseAddress = new Uri(rig.ElevenLabs.Url.TrimEnd('/') + "/");
        elevenLabs.DefaultRequestHeaders.Add("xi-api-key", rig.ElevenLabs.OriginalApiKey);
        firestore.BaseAddress = new Uri(rig.Firestore.Url, $"v1/projects/{rig.Account.ProjectId}/databases/(default)/documents/");
        firestore.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(rig, firestore));
        return new LimitInterviewClient(elevenLabs, firestore, "conversation-sessions", $"projects/{rig.Account.ProjectId}/databases/(default)/documents");
    }

    public async Task<string> CreateSessionAsync(int interview)
    {
        var elevenLabsId = await SignedUrlAsync();
        var id = "conv_" + Base64Url(RandomNumberGenerator.GetBytes(16));
        var now = Timestamp();
        var caller = "10.0." + (interview / 250 % 250).ToString(CultureInfo.InvariantCulture) + "." + (interview % 250 + 1).ToString(CultureInfo.InvariantCulture);
        var day = DateTime.UtcNow;
        var body = Commit(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("update");
            w.WriteString("name", $"{_documents}/{_collection}/{id}");
            w.WriteStartObject("fields");
            String(w, "conversationId", id);
            String(w, "agentId", AgentId);
            String(w, "userId", "user" + interview);
            String(w, "candidateId", "candidate" + interview);
            String(w, "jobId", "job789");
            w.WriteStartObject("metadata");
            w.WriteStartObject("mapValue");
            w.WriteStartObject("fields");
            String(w, "jobTitle", "Software Engineer");
            String(w, "source", "benchmark");
            w.WriteStartObject("round");
            w.WriteString("integerValue", interview.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            String(w, "status", "active");
            Time(w, "createdAt", now);
            Time(w, "updatedAt", now);
            String(w, "elevenLabsConversationId", elevenLabsId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("currentDocument");
            w.WriteBoolean("exists", false);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject();
            w.WriteStartObject("update");
            w.WriteString("name", $"{_documents}/{FirestoreOptions.DefaultUsageCollection}/{caller}_{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}");
            w.WriteStartObject("fields");
            String(w, "caller", caller);
            String(w, "day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("updateMask");
            w.WriteStartArray("fieldPaths");
            w.WriteStringValue("caller");
            w.WriteStringValue("day");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("updateTransforms");
            w.WriteStartObject();
            w.WriteString("fieldPath", "count");
            w.WriteStartObject("increment");
            w.WriteString("integerValue", "1");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("fieldPath", "updatedAt");
            w.WriteString("setToServerValue", "REQUEST_TIME");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
        using var created = await SendAsync(HttpMethod.Post, "../documents:commit", body);
        return id;
    }

    public async Task GetSignedUrlAsync(string conversationId)
    {
        var (status, updateTime) = await ReadAsync(conversationId);
        if (status != "active")
        {
            throw new InvalidOperationException($"limit: session {conversationId} is {status}");
        }

        var elevenLabsId = await SignedUrlAsync();
        var body = Fields(w =>
        {
            String(w, "elevenLabsConversationId", elevenLabsId);
            Time(w, "updatedAt", Timestamp());
        });
        using var _ = await SendAsync(HttpMethod.Patch,
            $"{_collection}/{conversationId}?updateMask.fieldPaths=elevenLabsConversationId&updateMask.fieldPaths=updatedAt&currentDocument.updateTime={Uri.EscapeDataString(updateTime)}",
            body);
    }

    public async Task EndSessionAsync(string conversationId)
    {
        var (status, updateTime) = await ReadAsync(conversationId);
        if (status == "ended")
        {
            return;
        }

        var now = Timestamp();
        var body = Fields(w =>
        {
            String(w, "status", "ended");
            Time(w, "endedAt", now);
            Time(w, "updatedAt", now);
        });
        using var _ = await SendAsync(HttpMethod.Patch,
            $"{_collection}/{conversationId}?updateMask.fieldPaths=status&updateMask.fieldPaths=endedAt&updateMask.fieldPaths=updatedAt&currentDocument.updateTime={Uri.EscapeDataString(updateTime)}",
            body);
    }

    private async Task<string> SignedUrlAsync()
    {
        using var response = await _elevenLabs.GetAsync($"v1/convai/conversation/get-signed-url?agent_id={AgentId}&include_conversation_id=true");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"limit: ElevenLabs {(int)response.StatusCode} {text}");
        }

        using var answer = JsonDocument.Parse(text);
        var url = new Uri(answer.RootElement.GetProperty("signed_url").GetString()!);
        return System.Web.HttpUtility.ParseQueryString(url.Query)["conversation_id"]!;
    }

    private async Task<(string Status, string UpdateTime)> ReadAsync(string conversationId)
    {
        using var document = await SendAsync(HttpMethod.Get, $"{_collection}/{conversationId}", null);
        var root = document.RootElement;
        return (root.GetProperty("fields").GetProperty("status").GetProperty("stringValue").GetString()!, root.GetProperty("updateTime").GetString()!);
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, byte[]? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        }

        using var response = await _firestore.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"limit: Firestore {method} {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }

    private static byte[] Commit(Action<Utf8JsonWriter> writes)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("writes");
            writes(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Fields(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("fields");
            write(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void String(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject(name);
        w.WriteString("stringValue", value);
        w.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject(name);
        w.WriteString("timestampValue", value);
        w.WriteEndObject();
    }

    private static string Timestamp() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>Google's JWT-bearer grant, as the service account's key allows: once, for the whole run.</summary>
    private static async Task<string> TokenAsync(FirestoreRig rig, HttpClient http)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"RS256","typ":"JWT"}"""u8.ToArray());
        var claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = rig.Account.Email,
            ["scope"] = "https://www.googleapis.com/auth/datastore",
            ["aud"] = "https://oauth2.googleapis.com/token",
            ["iat"] = now,
            ["exp"] = now + 3600,
        }));
        var signature = Base64Url(rig.Account.Rsa.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["assertion"] = $"{header}.{claims}.{signature}",
        });
        using var response = await http.PostAsync(rig.Firestore.TokenUri, form);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("access_token").GetString()!;
    }
}
