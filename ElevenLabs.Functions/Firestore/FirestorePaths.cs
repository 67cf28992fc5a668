using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Document names: checked against Firestore's rules and ours before any URL is built, every segment escaped.</summary>
public static class FirestorePaths
{
    /// <summary>A path segment, percent-escaped (parentheses kept, as in <c>(default)</c>).</summary>
    public static string Segment(string value) =>
        Uri.EscapeDataString(value).Replace("%28", "(", StringComparison.Ordinal).Replace("%29", ")", StringComparison.Ordinal);

    /// <summary>The document path below the documents root, for a valid id only.</summary>
    /// <exception cref="ArgumentException">The id breaks our pattern or Firestore's document-id rules.</exception>
    public static string Document(string collection, string conversationId)
    {
        if (!IsValidDocumentId(conversationId))
        {
            throw new ArgumentException($"'{conversationId}' is not a valid conversation id ({ConversationId.Pattern}).", nameof(conversationId));
        }

        return Segment(collection) + "/" + Segment(conversationId);
    }

    /// <summary>
    /// Our pattern, which holds Firestore's rules too: no '/', never '.' or '..', not <c>__.*__</c>, far under 1500 bytes.
    /// </summary>
    public static bool IsValidDocumentId(string id) => ConversationId.IsValid(id);
}
