using System.Buffers;
using System.Text.Json;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// A verified event's top-level <c>type</c>, read with <see cref="Utf8JsonReader"/> from the first
/// <see cref="PrefixBytes"/> of the spooled body: ElevenLabs writes <c>type</c> first, so a 40 MB audio event costs one
/// small buffer. A type not found in the prefix (or not a short string) is an unknown type.
/// </summary>
public static class WebhookEventType
{
    /// <summary>How much of the body is read to find the type.</summary>
    public const int PrefixBytes = 16 * 1024;

    /// <summary>The deepest nesting read, here and when an event is parsed for its data.</summary>
    public const int MaxDepth = 64;

    private const int MaxTypeBytes = 128;

    /// <summary>The type, or null when it is not found in the body's prefix.</summary>
    /// <exception cref="JsonException">The body does not start as a JSON object.</exception>
    public static async Task<string?> ReadAsync(WebhookBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = ArrayPool<byte>.Shared.Rent(PrefixBytes);
        try
        {
            var read = await body.Open().ReadAtLeastAsync(buffer.AsMemory(0, PrefixBytes), PrefixBytes, throwOnEndOfStream: false,
                cancellationToken);
            return Find(buffer.AsSpan(0, read), isWholeBody: read == body.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The type in <paramref name="prefix"/>, the body's start (or all of it).</summary>
    /// <exception cref="JsonException">The prefix does not start as a JSON object.</exception>
    public static string? Find(ReadOnlySpan<byte> prefix, bool isWholeBody)
    {
        var reader = new Utf8JsonReader(prefix, isWholeBody, new JsonReaderState(new JsonReaderOptions { MaxDepth = MaxDepth }));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The event is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            if (!reader.Read())
            {
                return null;
            }

            if (isType)
            {
                return reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= MaxTypeBytes ? reader.GetString() : null;
            }

            if (!reader.TrySkip())
            {
                return null;
            }
        }

        return null;
    }
}
