using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.Sessions;
using Polly.Timeout;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// Daily per-caller counts as Firestore documents <c>usage/{caller}_{yyyyMMdd}</c> (<c>caller</c>, <c>day</c>, <c>count</c>,
/// <c>updatedAt</c>), changed by one <c>:commit</c> with an atomic <c>increment</c> transform, whose result is the count
/// after it: every instance counts in the same document, without a read or a transaction. A caller key that is not a
/// plain id (an OIDC subject with '/', say) is named by its SHA-256 instead.
/// </summary>
public sealed partial class FirestoreUsageCounter(HttpClient http, FirestoreConnection connection) : IUsageCounter
{
    public const string Collection = "usage";
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<long> AddAsync(string callerKey, DateOnly day, long delta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callerKey);
        var root = await connection.DocumentsRootAsync(cancellationToken);
        var date = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var name = FirestoreCommit.DocumentName(root, Collection, DocumentId(callerKey) + "_" + date);
        var body = FirestoreCommit.Body(name,
            new Dictionary<string, string> { ["caller"] = callerKey, ["day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            [FirestoreFieldTransform.Increment("count", delta), FirestoreFieldTransform.RequestTime("updatedAt")]);
        using var request = new HttpRequestMessage(HttpMethod.Post, FirestoreCommit.Url(root))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw new SessionStoreException(SessionStoreFailure.Unavailable, "Firestore could not be reached to count the caller's sessions.", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await FirestoreErrors.ReadAsync(response, cancellationToken);
                throw new SessionStoreException(
                    FirestoreErrors.Transient.Contains(error.Status!) ? SessionStoreFailure.Unavailable
                    : error.Status is "PERMISSION_DENIED" or "UNAUTHENTICATED" ? SessionStoreFailure.PermissionDenied
                    : SessionStoreFailure.Failed,
                    $"Firestore refused to count the caller's sessions: {error.Status}.");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            var results = FirestoreCommit.TransformResults(document.RootElement);
            return results.Count > 0 && results[0].TryGetProperty("integerValue", out var count)
                && long.TryParse(count.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new SessionStoreException(SessionStoreFailure.Failed, "Firestore's commit answered without the count's transform result.");
        }
    }

    /// <summary>The caller key as it is when it is a plain id, else its SHA-256 (base64url).</summary>
    public static string DocumentId(string callerKey) =>
        PlainId().IsMatch(callerKey)
            ? callerKey
            : "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(callerKey))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Letters, digits and . : - (addresses, Firebase uids); not "." or "..", no '/', no "__x__".
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.:-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainId();
}
