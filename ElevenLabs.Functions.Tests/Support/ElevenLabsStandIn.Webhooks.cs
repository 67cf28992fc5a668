using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// The workspace-webhook and Agents-platform-settings half of the ElevenLabs stand-in, stateful, as ElevenLabs' API
/// reference and its generated SDKs (elevenlabs-python <c>webhooks/raw_client.py</c>, <c>conversational_ai/settings</c>;
/// elevenlabs-js <c>WorkspaceWebhookResponseModel</c>) describe it:
/// <list type="bullet">
/// <item><c>GET /v1/workspace/webhooks[?include_usages=true]</c>: <c>{"webhooks":[{name, webhook_id, webhook_url,
/// is_disabled, is_auto_disabled, created_at_unix, auth_type, usage, most_recent_failure_error_code,
/// most_recent_failure_timestamp}]}</c>, <c>usage</c> only with <c>include_usages</c>; the retry setting is not reported.</item>
/// <item><c>POST /v1/workspace/webhooks</c> <c>{"settings":{"auth_type":"hmac","name","webhook_url"}}</c>:
/// <c>{"webhook_id","webhook_secret"}</c> (the only time the secret is shown); retries off.</item>
/// <item><c>PATCH /v1/workspace/webhooks/{id}</c> <c>{"is_disabled","name"(both required),"retry_enabled"?}</c>: <c>{"status":"ok"}</c>.</item>
/// <item><c>DELETE /v1/workspace/webhooks/{id}</c>: <c>{"status":"ok"}</c>; refused while the settings use it.</item>
/// <item><c>GET /v1/convai/settings</c>, <c>PATCH /v1/convai/settings</c> <c>{"webhooks":{"post_call_webhook_id","events"}}</c>:
/// the workspace's settings (the PATCH answers them as they are after it).</item>
/// </list>
/// Validation errors are 422 in FastAPI's <c>{"detail":[{loc,msg,type}]}</c> shape; a wrong key is a 401.
/// </summary>
public sealed partial class ElevenLabsStandIn
{
    public const string WorkspaceWebhooksPath = "/v1/workspace/webhooks";
    public const string ConvAiSettingsPath = "/v1/convai/settings";

    /// <summary>The post-call event types <c>webhooks.events</c> may hold (<c>WebhookEventType</c>).</summary>
    public static readonly IReadOnlyList<string> PostCallEventTypes = ["transcript", "audio", "call_initiation_failure", "unredacted_transcript", "unredacted_audio"];

    private readonly Lock _workspaceGate = new();
    private readonly List<WorkspaceWebhook> _workspaceWebhooks = [];
    private string? _postCallWebhookId;
    private List<string> _postCallEvents = [];
    private int _workspaceWrites;

    /// <summary>A workspace webhook as the stand-in holds it (a copy: change it through the stand-in's methods).</summary>
    public sealed record WorkspaceWebhook(string Id, string Name, string Url, string Secret, long CreatedAtUnix, bool IsDisabled,
        bool IsAutoDisabled, bool RetryEnabled, int? MostRecentFailureErrorCode = null, long? MostRecentFailureTimestamp = null);

    public IReadOnlyList<WorkspaceWebhook> WorkspaceWebhooks
    {
        get
        {
            lock (_workspaceGate)
            {
                return [.. _workspaceWebhooks];
            }
        }
    }

    /// <summary>The Agents platform's <c>webhooks.post_call_webhook_id</c>.</summary>
    public string? PostCallWebhookId
    {
        get
        {
            lock (_workspaceGate)
            {
                return _postCallWebhookId;
            }
        }
    }

    /// <summary>The Agents platform's <c>webhooks.events</c>.</summary>
    public IReadOnlyList<string> PostCallEvents
    {
        get
        {
            lock (_workspaceGate)
            {
                return [.. _postCallEvents];
            }
        }
    }

    /// <summary>How many requests changed a webhook or the settings (POST, PATCH, DELETE that succeeded).</summary>
    public int WorkspaceWrites
    {
        get
        {
            lock (_workspaceGate)
            {
                return _workspaceWrites;
            }
        }
    }

    /// <summary>A webhook someone set up by hand in ElevenLabs' settings (its secret shown once, to them).</summary>
    public WorkspaceWebhook AddWorkspaceWebhook(string name, string url, bool usedForPostCall = false)
    {
        lock (_workspaceGate)
        {
            var webhook = NewWebhook(name, url);
            _workspaceWebhooks.Add(webhook);
            if (usedForPostCall)
            {
                _postCallWebhookId = webhook.Id;
                _postCallEvents = ["transcript"];
            }

            return webhook;
        }
    }

    /// <summary>What ElevenLabs does after repeated failed deliveries: the webhook is auto-disabled, its last failure kept.</summary>
    public void AutoDisableWorkspaceWebhook(string id, int errorCode, DateTimeOffset at) => ChangeWebhook(id, w => w with
    {
        IsAutoDisabled = true,
        MostRecentFailureErrorCode = errorCode,
        MostRecentFailureTimestamp = at.ToUnixTimeSeconds(),
    });

    /// <summary>A workspace admin disabled the webhook in ElevenLabs' settings.</summary>
    public void DisableWorkspaceWebhook(string id) => ChangeWebhook(id, w => w with { IsDisabled = true });

    public IReadOnlyList<WireMock.Logging.ILogEntry> WorkspaceWebhookRequests =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith(WorkspaceWebhooksPath, StringComparison.Ordinal))];

    private void ChangeWebhook(string id, Func<WorkspaceWebhook, WorkspaceWebhook> change)
    {
        lock (_workspaceGate)
        {
            var index = _workspaceWebhooks.FindIndex(w => w.Id == id);
            _workspaceWebhooks[index] = change(_workspaceWebhooks[index]);
        }
    }

    private static WorkspaceWebhook NewWebhook(string name, string url) =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), name, url, "wsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(), IsDisabled: false, IsAutoDisabled: false, RetryEnabled: false);

    /// <summary>Called by <see cref="Reset"/>: no webhooks, no post-call webhook, and the routes.</summary>
    private void ServeWorkspaceWebhooks()
    {
        lock (_workspaceGate)
        {
            _workspaceWebhooks.Clear();
            _postCallWebhookId = null;
            _postCallEvents = [];
            _workspaceWrites = 0;
        }

        foreach (var path in new IStringMatcher[] { new ExactMatcher(WorkspaceWebhooksPath), new WildcardMatcher(WorkspaceWebhooksPath + "/*"), new ExactMatcher(ConvAiSettingsPath) })
        {
            Server.Given(Request.Create().WithPath(path).UsingAnyMethod()).AtPriority(40)
                .RespondWith(Response.Create().WithCallback(AnswerWorkspace));
        }
    }

    private ResponseMessage AnswerWorkspace(IRequestMessage request)
    {
        if (!request.Headers!.TryGetValue("xi-api-key", out var keys) || !keys.Contains(ApiKey))
        {
            return Json(401, """{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}""");
        }

        JsonNode? body;
        try
        {
            body = string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            return Invalid(["body"], "JSON decode error", "json_invalid");
        }

        lock (_workspaceGate)
        {
            var path = request.Path;
            return (request.Method, path) switch
            {
                ("GET", ConvAiSettingsPath) => Json(200, SettingsJson()),
                ("PATCH", ConvAiSettingsPath) => PatchSettings(body),
                ("GET", WorkspaceWebhooksPath) => Json(200, ListJson(request.Query is { } q && q.TryGetValue("include_usages", out var v) && v.Contains("true"))),
                ("POST", WorkspaceWebhooksPath) => Create(body),
                ("PATCH", _) when path.StartsWith(WorkspaceWebhooksPath + "/", StringComparison.Ordinal) => Patch(path[(WorkspaceWebhooksPath.Length + 1)..], body),
                ("DELETE", _) when path.StartsWith(WorkspaceWebhooksPath + "/", StringComparison.Ordinal) => Delete(path[(WorkspaceWebhooksPath.Length + 1)..]),
                _ => Json(405, """{"detail":"Method Not Allowed"}"""),
            };
        }
    }

    private ResponseMessage Create(JsonNode? body)
    {
        var settings = body?["settings"];
        if (settings is not JsonObject)
        {
            return Invalid(["body", "settings"], "Field required", "missing");
        }

        if (settings["auth_type"]?.GetValueKind() is not (null or JsonValueKind.String) || (string?)settings["auth_type"] is not (null or "hmac"))
        {
            return Invalid(["body", "settings", "auth_type"], "Input should be 'hmac'", "literal_error");
        }

        if (settings["name"]?.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace((string?)settings["name"]))
        {
            return Invalid(["body", "settings", "name"], "Field required", "missing");
        }

        if (settings["webhook_url"]?.GetValueKind() != JsonValueKind.String
            || !Uri.TryCreate((string?)settings["webhook_url"], UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            return Invalid(["body", "settings", "webhook_url"], "Webhook URL must be a valid HTTPS URL", "value_error");
        }

        var webhook = NewWebhook((string)settings["name"]!, (string)settings["webhook_url"]!);
        _workspaceWebhooks.Add(webhook);
        _workspaceWrites++;
        return Json(200, new JsonObject { ["webhook_id"] = webhook.Id, ["webhook_secret"] = webhook.Secret }.ToJsonString());
    }

    private ResponseMessage Patch(string id, JsonNode? body)
    {
        if (body?["is_disabled"]?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Invalid(["body", "is_disabled"], "Field required", "missing");
        }

        if (body["name"]?.GetValueKind() != JsonValueKind.String)
        {
            return Invalid(["body", "name"], "Field required", "missing");
        }

        var index = _workspaceWebhooks.FindIndex(w => w.Id == id);
        if (index < 0)
        {
            return Json(404, """{"detail":{"status":"webhook_not_found","message":"Webhook not found"}}""");
        }

        var disabled = (bool)body["is_disabled"]!;
        var current = _workspaceWebhooks[index];
        _workspaceWebhooks[index] = current with
        {
            Name = (string)body["name"]!,
            IsDisabled = disabled,
            IsAutoDisabled = !disabled ? false : current.IsAutoDisabled,
            RetryEnabled = body["retry_enabled"] is JsonValue retry ? retry.GetValue<bool>() : current.RetryEnabled,
        };
        _workspaceWrites++;
        return Json(200, """{"status":"ok"}""");
    }

    private ResponseMessage Delete(string id)
    {
        var index = _workspaceWebhooks.FindIndex(w => w.Id == id);
        if (index < 0)
        {
            return Json(404, """{"detail":{"status":"webhook_not_found","message":"Webhook not found"}}""");
        }

        if (_postCallWebhookId == id)
        {
            return Json(400, """{"detail":{"status":"webhook_in_use","message":"The webhook is in use by ConvAI Settings and cannot be deleted"}}""");
        }

        _workspaceWebhooks.RemoveAt(index);
        _workspaceWrites++;
        return Json(200, """{"status":"ok"}""");
    }

    private ResponseMessage PatchSettings(JsonNode? body)
    {
        if (body?["webhooks"] is JsonObject webhooks)
        {
            if (webhooks["events"] is JsonArray events && events.Any(e => e?.GetValueKind() != JsonValueKind.String || !PostCallEventTypes.Contains((string)e!)))
            {
                return Invalid(["body", "webhooks", "events"], "Input should be " + string.Join(", ", PostCallEventTypes), "enum");
            }

            if (webhooks.ContainsKey("post_call_webhook_id"))
            {
                var id = (string?)webhooks["post_call_webhook_id"];
                if (id is not null && _workspaceWebhooks.All(w => w.Id != id))
                {
                    return Json(404, """{"detail":{"status":"webhook_not_found","message":"Webhook not found"}}""");
                }

                _postCallWebhookId = id;
            }

            if (webhooks["events"] is JsonArray wanted)
            {
                _postCallEvents = [.. wanted.Select(e => (string)e!)];
            }

            _workspaceWrites++;
        }

        return Json(200, SettingsJson());
    }

    private string SettingsJson() => new JsonObject
    {
        ["conversation_initiation_client_data_webhook"] = null,
        ["webhooks"] = new JsonObject
        {
            ["post_call_webhook_id"] = _postCallWebhookId,
            ["events"] = new JsonArray([.. _postCallEvents.Select(e => (JsonNode)e)]),
            ["transcript_format"] = "json",
            ["send_audio"] = false,
        },
        ["can_use_mcp_servers"] = false,
        ["rag_retention_period_days"] = 10,
        ["conversation_embedding_retention_days"] = null,
        ["default_livekit_stack"] = "standard",
    }.ToJsonString();

    private string ListJson(bool includeUsages) => new JsonObject
    {
        ["webhooks"] = new JsonArray([.. _workspaceWebhooks.Select(w =>
        {
            var item = new JsonObject
            {
                ["name"] = w.Name,
                ["webhook_id"] = w.Id,
                ["webhook_url"] = w.Url,
                ["is_disabled"] = w.IsDisabled,
                ["is_auto_disabled"] = w.IsAutoDisabled,
                ["created_at_unix"] = w.CreatedAtUnix,
                ["auth_type"] = "hmac",
                ["usage"] = includeUsages
                    ? new JsonArray([.. (w.Id == _postCallWebhookId ? new[] { "ConvAI Settings" } : []).Select(u => (JsonNode)new JsonObject { ["usage_type"] = u })])
                    : null,
                ["most_recent_failure_error_code"] = w.MostRecentFailureErrorCode,
                ["most_recent_failure_timestamp"] = w.MostRecentFailureTimestamp,
            };
            if (includeUsages)
            {
                item["events"] = new JsonArray();
            }

            return (JsonNode)item;
        })]),
    }.ToJsonString();

    private static ResponseMessage Invalid(string[] location, string message, string type) =>
        Json(422, new JsonObject
        {
            ["detail"] = new JsonArray(new JsonObject
            {
                ["loc"] = new JsonArray([.. location.Select(l => (JsonNode)l)]),
                ["msg"] = message,
                ["type"] = type,
            }),
        }.ToJsonString());

    private static ResponseMessage Json(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };
}
