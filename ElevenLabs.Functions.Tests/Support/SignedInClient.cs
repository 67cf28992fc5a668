using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>POSTs to the app as a browser client does once signed in: <c>Authorization: Bearer &lt;ID token&gt;</c>.</summary>
public static class SignedInClient
{
    public static async Task<(int Status, JsonObject Body, HttpResponseMessage Response)> PostAsync(this AppHost app, object body, string? token,
        string? forwardedFor = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation") { Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        var response = await app.Client.SendAsync(request);
        return ((int)response.StatusCode, await AppHost.ReadAsync(response), response);
    }
}
