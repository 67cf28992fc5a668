using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Limits;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// A caller's daily count as the Firestore document <c>{Firestore:UsageCollection}/{caller}_{yyyyMMdd}</c> (<c>caller</c>, <c>day</c>,
/// <c>count</c>, <c>updatedAt</c>), changed by a <c>:commit</c> write with an atomic <c>increment</c> transform whose
/// result is the count after it: every instance counts in the same document, without a read or a transaction. A caller
/// key that is not a plain id (an IPv6 /64, an OIDC subject with '/') is named by its SHA-256 instead.
/// </summary>
public static partial class UsageDocument
{
    /// <summary>
    /// The commit write that adds <paramref name="delta"/> to the count (<c>caller</c> and <c>day</c> set, <c>updatedAt</c>
    /// the commit's time, and <c>expireAt</c> when the count has one: the same for every write of the day's document).
    /// </summary>
    public static void WriteIncrement(Utf8JsonWriter w, FirestoreDatabase database, string collection, DailyCount count, long delta)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(count);
        var date = count.Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        FirestoreCommit.Update(w, database.DocumentName(collection, DocumentId(count.CallerKey) + "_" + date),
            new Dictionary<string, string> { ["caller"] = count.CallerKey, ["day"] = count.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            [FirestoreFieldTransform.Increment("count", delta), FirestoreFieldTransform.RequestTime("updatedAt")],
            count.ExpireAt is { } expireAt ? new Dictionary<string, DateTimeOffset> { [SessionDocument.ExpireAtField] = expireAt } : null);
    }

    /// <summary>The count after the increment, from its write result (the first transform's <c>integerValue</c>), or null when it is not there.</summary>
    public static long? ReadCount(JsonElement? writeResult) =>
        writeResult is { ValueKind: JsonValueKind.Object } result
        && result.TryGetProperty("transformResults", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
        && values[0].ValueKind == JsonValueKind.Object && values[0].TryGetProperty("integerValue", out var count)
        && long.TryParse(count.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>The caller key as it is when it is a plain id, else its SHA-256 (base64url).</summary>
    public static string DocumentId(string callerKey) =>
        PlainId().IsMatch(callerKey)
            ? callerKey
            : "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(callerKey))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Letters, digits and . : - (addresses, Firebase uids); not "." or "..", no '/', no "__x__".
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.:-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainId();
}
