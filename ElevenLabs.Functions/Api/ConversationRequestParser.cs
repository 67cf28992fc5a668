using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using ElevenLabs.Functions.Sessions;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Api;

/// <summary>Reads a POST body into a <see cref="ConversationCommand"/>, checking the contract's limits with a message that says what is wrong.</summary>
public static class ConversationRequestParser
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxMetadataBytes = 16 * 1024;
    public const int MaxFieldLength = 256;

    /// <summary>Every action, as clients name it.</summary>
    public static readonly IReadOnlyList<string> Actions =
        [CreateSession.Name, GetSignedUrl.Name, GetConversationToken.Name, EndSession.Name, GetSession.Name, GetResults.Name, GetRecording.Name, DeleteSession.Name];

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
    private static readonly string ActionList = string.Join(", ", Actions.Take(Actions.Count - 1)) + " or " + Actions[^1];

    public static async Task<ConversationCommand> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckContent(request);

        // The body is read into a pooled buffer: what Parse returns holds copies (strings, a cloned metadata element),
        // never the buffer, so it goes back to the pool as soon as the body is parsed. A buffer of the largest body
        // allowed for every request was most of the bytes a request allocated.
        var size = request.ContentLength is { } length ? (int)length + 1 : MaxBodyBytes + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var read = await ReadBodyAsync(request, buffer.AsMemory(0, size), cancellationToken);
            return Parse(buffer.AsMemory(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a whole body (at most <see cref="MaxBodyBytes"/>).</summary>
    public static ConversationCommand Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            throw Invalid("invalid_json", "The request body is empty: send a JSON object with an action.");
        }

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

    private static ConversationCommand Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("invalid_json", "The request body must be a JSON object.");
        }

        var action = OptionalString(root, "action")
            ?? throw Invalid("missing_action", $"Missing action: use {ActionList}.");
        return action switch
        {
            CreateSession.Name => new CreateSession(NewSession(root)),
            GetSignedUrl.Name => new GetSignedUrl(RequiredConversationId(root)),
            GetConversationToken.Name => OptionalConversationId(root) is { } id
                ? new GetConversationToken(id, null)
                : new GetConversationToken(null, NewSession(root)),
            EndSession.Name => new EndSession(RequiredConversationId(root)),
            GetSession.Name => new GetSession(RequiredConversationId(root)),
            GetResults.Name => new GetResults(RequiredConversationId(root), CallCursor(root)),
            GetRecording.Name => new GetRecording(RequiredConversationId(root), OptionalElevenLabsId(root)),
            DeleteSession.Name => new DeleteSession(RequiredConversationId(root)),
            _ => throw Invalid("unknown_action", $"Unknown action '{Truncate(action)}': use {ActionList}."),
        };
    }

    private static void CheckContent(HttpRequest request)
    {
        // JSON only: a text/plain or form body would be a "simple" cross-site request that needs no CORS preflight.
        if (!request.HasJsonContentType())
        {
            throw new ApiRequestException(new ApiError(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "The request body must be JSON: send Content-Type: application/json."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }
    }

    /// <summary>Reads the body into <paramref name="buffer"/> (one byte longer than the body may be), returning its length.</summary>
    private static async Task<int> ReadBodyAsync(HttpRequest request, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            throw new ApiRequestException(new ApiError(StatusCodes.Status408RequestTimeout, "request_timeout",
                "The request body arrived too slowly."));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own rejections of the body's framing (a malformed chunk, a length it does not match, ...).
            throw Invalid("invalid_body", "The request body could not be read: " + ex.Message);
        }

        return read > MaxBodyBytes ? throw TooLarge() : read;
    }

    private static NewSession NewSession(JsonElement root) => new(
        OptionalString(root, "userId"), OptionalString(root, "candidateId"), OptionalString(root, "jobId"), Metadata(root));

    /// <summary><c>callCursor</c>: a previous answer's <c>nextCursor</c> (digits); absent is the first page.</summary>
    private static int CallCursor(JsonElement root) =>
        OptionalString(root, "callCursor") is not { } cursor ? 0
        : cursor.Length is > 0 and <= 6 && cursor.All(char.IsAsciiDigit) ? int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture)
        : throw Invalid("invalid_field", "callCursor must be the nextCursor of a previous get_results answer.");

    /// <summary><c>elevenLabsConversationId</c>: one of the session's ElevenLabs ids (the same pattern as ours).</summary>
    private static string? OptionalElevenLabsId(JsonElement root) =>
        OptionalString(root, "elevenLabsConversationId") is not { } id ? null
        : ConversationId.IsValid(id) ? id
        : throw Invalid("invalid_field", $"elevenLabsConversationId must match {ConversationId.Pattern}.");

    private static string RequiredConversationId(JsonElement root) =>
        OptionalConversationId(root) ?? throw Invalid("missing_conversation_id", "conversationId is required for this action.");

    private static string? OptionalConversationId(JsonElement root)
    {
        var id = OptionalString(root, "conversationId");
        return id is null || ConversationId.IsValid(id)
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

        var text = UnicodeText.Read(value) ?? throw Invalid("invalid_field", $"{name} must be valid Unicode text.");
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

        if (JsonMarshal.GetRawUtf8Value(metadata).Length > MaxMetadataBytes) // the bytes as sent: they may not be valid UTF-8
        {
            throw Invalid("metadata_too_large", $"metadata must be at most {MaxMetadataBytes / 1024} KiB of JSON.");
        }

        return SessionMetadata.Problem(metadata) is { } problem ? throw Invalid("invalid_field", problem) : metadata.Clone();
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static ApiRequestException Invalid(string code, string message) => new(new ApiError(StatusCodes.Status400BadRequest, code, message));

    private static ApiRequestException TooLarge() => new(new ApiError(StatusCodes.Status413PayloadTooLarge, "payload_too_large",
        $"The request body must be at most {MaxBodyBytes / 1024} KiB."));
}
