namespace ElevenLabs.Functions.Firestore;

/// <summary>An access token and when it stops working. Its <see cref="ToString"/> never shows the value.</summary>
internal sealed record GoogleToken(string Value, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"GoogleToken {{ ExpiresAt = {ExpiresAt:O} }}";
}
