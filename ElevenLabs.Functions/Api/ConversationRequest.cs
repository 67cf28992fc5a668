using System.Text;
using System.Text.Json;
using ElevenLabs.Functions.Sessions;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Api;

/// <summary>A parsed, validated POST body.</summary>
public sealed record ConversationRequest(string Action, string? ConversationId, NewSession? NewSession);

/// <summary>The request was not acceptable; mapped to the envelope with its status and code.</summary>
public sealed class ApiRequestException(int statusCode, string code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Code { get; } = code;
}

/// <summary>Reads and checks a POST body against the contract's limits, with a message that says what is wrong.</summary>
public static class ConversationRequestParser
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxMetadataBytes = 16 * 1024;
    public const int MaxFieldLength = 256;

    public const string CreateSession = "create_session";
    public const string GetSignedUrl = "get_signed_url";
    public const string EndSession = "end_session";

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static async Task<ConversationRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            throw Invalid("invalid_json", "The request body must be a JSON object.");
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    private static ConversationRequest Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("invalid_json", "The request body must be a JSON object.");
        }

        var action = OptionalString(root, "action")
            ?? throw Invalid("missing_action", "Missing action: use create_session, get_signed_url or end_session.");
        return action switch
        {
            CreateSession => new ConversationRequest(action, null, new NewSession(
                OptionalString(root, "userId"), OptionalString(root, "candidateId"), OptionalString(root, "jobId"), Metadata(root))),
            GetSignedUrl or EndSession => new ConversationRequest(action, RequiredConversationId(root), null),
            _ => throw Invalid("unknown_action", $"Unknown action '{Truncate(action)}': use create_session, get_signed_url or end_session."),
        };
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var read = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (read > MaxBodyBytes)
        {
            throw TooLarge();
        }

        if (read == 0)
        {
            throw Invalid("invalid_json", "The request body is empty: send a JSON object with an action.");
        }

        return buffer.AsMemory(0, read);
    }

    private static string RequiredConversationId(JsonElement root)
    {
        var id = OptionalString(root, "conversationId")
            ?? throw Invalid("missing_conversation_id", "conversationId is required for this action.");
        return ConversationId.IsValid(id)
            ? id
            : throw Invalid("invalid_conversation_id", $"conversationId must match {ConversationId.Pattern}.");
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid("invalid_field", $"{name} must be a string.");
        }

        var text = value.GetString()!;
        return text.Length <= MaxFieldLength
            ? text
            : throw Invalid("field_too_long", $"{name} must be at most {MaxFieldLength} characters.");
    }

    private static JsonElement Metadata(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind == JsonValueKind.Null)
        {
            return EmptyObject;
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("invalid_field", "metadata must be a JSON object.");
        }

        if (Encoding.UTF8.GetByteCount(metadata.GetRawText()) > MaxMetadataBytes)
        {
            throw Invalid("metadata_too_large", $"metadata must be at most {MaxMetadataBytes / 1024} KiB of JSON.");
        }

        return metadata.Clone();
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static ApiRequestException Invalid(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);

    private static ApiRequestException TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The request body must be at most {MaxBodyBytes / 1024} KiB.");
}
