using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// The built app started as its own process the way Azure Functions starts it, with <c>IDENTITY_ENDPOINT</c> and
/// <c>IDENTITY_HEADER</c> in its environment and its settings as app settings: it reaches Firestore with no key.
/// </summary>
[TestFixture]
public sealed class WorkloadIdentityProcessTests
{
    [Test]
    public async Task TheAppStartedWithAzuresIdentityEnvironmentReachesFirestoreWithoutAKey()
    {
        await using var rig = await WorkloadIdentityRig.StartAsync();
        var environment = rig.Identity.Environment;
        foreach (var (key, value) in rig.Settings())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        var port = AppOutput.FreePort();
        using var app = AppOutput.Start(["--urls", $"http://127.0.0.1:{port}"], environment);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await app.WaitUntilServingAsync(client);

        var created = await PostAsync(client, new { action = "create_session", userId = "user123" });
        var id = created["conversationId"]!.GetValue<string>();
        var reissued = await PostAsync(client, new { action = "get_signed_url", conversationId = id });
        var ended = await PostAsync(client, new { action = "end_session", conversationId = id });

        Assert.That(reissued["success"]!.GetValue<bool>(), Is.True, reissued.ToJsonString());
        Assert.That(ended["data"]!["status"]!.GetValue<string>(), Is.EqualTo("ended"));
        Assert.That(rig.Firestore.Document(WorkloadIdentityRig.ProjectId, "conversation-sessions", id)!["status"]!["stringValue"]!.GetValue<string>(),
            Is.EqualTo("ended"));
        var (query, secretHeader) = rig.Identity.Calls.Single();
        Assert.That(secretHeader, Is.True);
        Assert.That((query["api-version"].ToString(), query["client_id"].ToString(), query["resource"].ToString()),
            Is.EqualTo(("2019-08-01", rig.Identity.ClientId, rig.ApplicationIdUri)));
        Assert.That((rig.Sts.Requests, rig.Iam.Requests), Is.EqualTo((1, 1)));
        Assert.That(app.Output, Does.Contain("obtained through workload identity federation"));
        foreach (var secret in rig.Secrets)
        {
            Assert.That(app.Output, Does.Not.Contain(secret));
        }
    }

    private static async Task<JsonObject> PostAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/elevenlabs-conversation", body);
        var answer = await AppHost.ReadAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), answer.ToJsonString());
        return answer;
    }
}
