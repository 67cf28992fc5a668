using System.Net;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>
/// Keyless access to Firestore over HTTP: the app's managed identity (Azure.Identity against the App Service identity
/// endpoint stand-in), Google STS, IAM credentials and Firestore, each a loopback stand-in that checks what it is sent.
/// How often tokens are fetched, how an expiring one is replaced, and what each failure gives the client and the log.
/// </summary>
[TestFixture]
[NonParallelizable] // the rig sets IDENTITY_ENDPOINT in the test process while it runs
public sealed class WorkloadIdentityTests
{
    private WorkloadIdentityRig _rig = null!;
    private readonly List<AppHost> _apps = [];

    [OneTimeSetUp]
    public async Task StartRigAsync() => _rig = await WorkloadIdentityRig.StartAsync();

    [OneTimeTearDown]
    public async Task StopRigAsync() => await _rig.DisposeAsync();

    [SetUp]
    public void ResetStandIns() => _rig.Reset();

    [TearDown]
    public async Task StopAppsAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        _apps.Clear();
    }

    private async Task<AppHost> StartAppAsync(Dictionary<string, string?>? settings = null, FakeTimeProvider? time = null, RequestCounter? counter = null)
    {
        var app = await AppHost.StartAsync(settings ?? _rig.Settings(), builder =>
        {
            if (time is not null)
            {
                builder.Services.AddSingleton<TimeProvider>(time);
            }

            if (counter is not null)
            {
                builder.Services.AddSingleton<IStartupFilter>(counter);
            }
        });
        _apps.Add(app);
        return app;
    }

    /// <summary>The Authorization of every document call (a create is one <c>:commit</c>, the daily quota's count in it).</summary>
    private List<string?> DocumentAuthorizations() =>
        [.. _rig.Firestore.Requests.Where(r => r.RawTarget.StartsWith("/v1/", StringComparison.Ordinal)).Select(r => r.Authorization)];

    private void AssertNothingSecretIn(AppHost app, params JsonObject[] answers)
    {
        var logs = app.LogText();
        foreach (var secret in _rig.Secrets)
        {
            Assert.That(logs, Does.Not.Contain(secret), "a token or the identity header reached the log");
            Assert.That(answers.Select(a => a.ToJsonString()), Has.None.Contains(secret), "a token reached an answer");
        }
    }

    [Test]
    public async Task TwoHundredRequestsMakeOneCallToEachTokenEndpoint()
    {
        var app = await StartAppAsync();
        var before = DocumentAuthorizations().Count;

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => app.PostAsync(new { action = "create_session", userId = $"user{i}" })));

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(200), answers.FirstOrDefault(a => a.Status != 200).Body?.ToJsonString());
        Assert.That(_rig.Identity.Requests, Is.EqualTo(1), "one Azure token");
        Assert.That(_rig.Sts.Requests, Is.EqualTo(1), "one exchange");
        Assert.That(_rig.Iam.Requests, Is.EqualTo(1), "one impersonation");
        var writes = DocumentAuthorizations().Skip(before).ToList();
        Assert.That(writes, Has.Count.EqualTo(200));
        Assert.That(writes, Has.All.EqualTo("Bearer " + _rig.Iam.IssuedTokens.Single()), "every write carried the one impersonated token");
        AssertNothingSecretIn(app, [.. answers.Select(a => a.Body)]);
    }

    [Test]
    public async Task TheAzureTokenComesFromTheAppServiceIdentityEndpointForTheUserAssignedIdentity()
    {
        var app = await StartAppAsync();

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var (query, secretHeader) = _rig.Identity.Calls.Single();
        Assert.That(secretHeader, Is.True, "X-IDENTITY-HEADER carries IDENTITY_HEADER");
        Assert.That(query["api-version"].ToString(), Is.EqualTo("2019-08-01"));
        Assert.That(query["client_id"].ToString(), Is.EqualTo(_rig.Identity.ClientId), "KeyVault:ManagedIdentityClientId names the identity");
        Assert.That(query["resource"].ToString(), Is.EqualTo(_rig.ApplicationIdUri), "AzureTokenScope without /.default");
        Assert.That(app.LogMessages(LogLevel.Information), Has.Some.Contains("Sessions are stored in Firestore")
            .And.Some.Contains("workload identity federation"));
        Assert.That(app.LogMessages(LogLevel.Information), Has.Some.Contains(WorkloadIdentityRig.ServiceAccountEmail).And.Some.Contains("valid until"));
    }

    [Test]
    public async Task AnExpiringTokenIsRefreshedOnceWhileConcurrentRequestsWait()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _rig.Iam.Now = time.GetUtcNow;
        var counter = new RequestCounter();
        var app = await StartAppAsync(time: time, counter: counter);
        var (_, created, _) = await app.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        var first = _rig.Iam.IssuedTokens.Single();

        // Google.Apis.Auth refreshes a token in its last 3 min 45 s in the background (callers keep using it) and makes
        // callers wait for the refresh in its last minute: 30 seconds left is that last minute.
        time.Advance(TimeSpan.FromMinutes(59.5));
        var impersonating = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _rig.Iam.BeforeAnswer = async () =>
        {
            impersonating.TrySetResult();
            await release.Task;
        };
        var before = DocumentAuthorizations().Count;
        var requests = Enumerable.Range(0, 50).Select(_ => app.PostAsync(new { action = "get_signed_url", conversationId = id })).ToList();
        await impersonating.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await counter.WaitForAsync(1 + 50);

        Assert.That(requests.Count(r => r.IsCompleted), Is.Zero, "every request waits for the refresh");
        Assert.That(DocumentAuthorizations().Count, Is.EqualTo(before), "no request went to Firestore with the old token meanwhile");
        release.SetResult();
        var answers = await Task.WhenAll(requests);

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(200));
        Assert.That(_rig.Iam.Requests, Is.EqualTo(2), "one refresh for fifty requests");
        Assert.That(_rig.Sts.Requests, Is.EqualTo(2));
        Assert.That(_rig.Identity.Requests, Is.EqualTo(1), "the Azure token (valid for hours) is Azure.Identity's to cache");
        var second = _rig.Iam.IssuedTokens.Last();
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(DocumentAuthorizations().Skip(before), Has.All.EqualTo("Bearer " + second));
    }

    [Test]
    public async Task ATokenIsUsedUntilShortlyBeforeItExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _rig.Iam.Now = time.GetUtcNow;
        var app = await StartAppAsync(time: time);

        await app.PostAsync(new { action = "create_session" });
        time.Advance(TimeSpan.FromMinutes(54));
        await app.PostAsync(new { action = "create_session" });
        Assert.That(_rig.Iam.Requests, Is.EqualTo(1), "54 minutes into an hour's token: still used");

        time.Advance(TimeSpan.FromMinutes(5.5));
        var (status, _, _) = await app.PostAsync(new { action = "create_session" });
        Assert.That(status, Is.EqualTo(200));
        Assert.That(_rig.Iam.Requests, Is.EqualTo(2), "59.5 minutes in: replaced");
        Assert.That(DocumentAuthorizations().Last(), Is.EqualTo("Bearer " + _rig.Iam.IssuedTokens.Last()), "the write carried the new token");
    }

    [Test]
    public async Task AnStsRefusalIsAStoreErrorAndTheLogSaysWhatToCheckOnTheProvider()
    {
        var settings = _rig.Settings();
        _rig.Sts.AllowedAudiences.TryRemove(_rig.ApplicationIdUri, out _); // the provider does not accept this audience
        var app = await StartAppAsync(settings);

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(500));
        Api.ContractTests.AssertError(body, "store_error");
        var error = app.LogMessages(LogLevel.Error).Single(m => m.Contains("STS", StringComparison.Ordinal));
        Assert.That(error, Does.Contain("invalid_grant"));
        Assert.That(error, Does.Contain($"pool {WorkloadIdentityRig.Pool}, provider {WorkloadIdentityRig.Provider}"));
        Assert.That(error, Does.Contain($"issuer must be https://sts.windows.net/{_rig.Identity.TenantId}/"));
        Assert.That(error, Does.Contain("allowed audiences must include " + _rig.ApplicationIdUri));
        Assert.That(error, Does.Contain("attribute mapping"));
        Assert.That(_rig.Iam.Requests, Is.Zero);
        AssertNothingSecretIn(app, body);
    }

    [Test]
    public async Task AnImpersonationRefusalTellsWhichRoleToGrantToWhichPrincipal()
    {
        _rig.Iam.WorkloadIdentityUsers.TryRemove(_rig.Principal, out _); // Reset grants it again
        var app = await StartAppAsync();

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(500));
        Api.ContractTests.AssertError(body, "store_error");
        var error = app.LogMessages(LogLevel.Error).Single(m => m.Contains("act as service account", StringComparison.Ordinal));
        Assert.That(error, Does.Contain("grant roles/iam.workloadIdentityUser on the service account to "
            + $"principal://iam.googleapis.com/projects/{WorkloadIdentityRig.ProjectNumber}/locations/global/workloadIdentityPools/{WorkloadIdentityRig.Pool}/subject/{_rig.Identity.ObjectId}"));
        Assert.That(error, Does.Contain(WorkloadIdentityRig.ServiceAccountEmail).And.Contain("PERMISSION_DENIED"));
        AssertNothingSecretIn(app, body);
    }

    [Test]
    public async Task AnUnreachableIdentityEndpointIsServiceUnavailable()
    {
        var closed = new Uri($"http://127.0.0.1:{AppOutput.FreePort()}/msi/token");
        using var _ = ProcessEnvironment.Set(new Dictionary<string, string> { ["IDENTITY_ENDPOINT"] = closed.ToString() });
        var app = await StartAppAsync(_rig.Settings(("Firestore:Timeout", "00:00:01"))); // bounds Azure.Identity's retries

        var (status, body, response) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        Api.ContractTests.AssertError(body, "store_unavailable");
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(app.LogMessages(LogLevel.Error), Has.Some.Contains("managed identity endpoint could not be reached"));
        Assert.That(_rig.Sts.Requests, Is.Zero);
        AssertNothingSecretIn(app, body);
    }

    [Test]
    public async Task AScopeNoApplicationHasIsAStoreErrorAndTheLogSaysToCreateIt()
    {
        var app = await StartAppAsync(_rig.Settings(("Firestore:WorkloadIdentity:AzureTokenScope", "api://nobody-has-this/.default")));

        var (status, body, _) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(500), body.ToJsonString());
        Api.ContractTests.AssertError(body, "store_error");
        Assert.That(_rig.Identity.Calls.Select(c => c.Query["resource"].ToString()), Has.Some.EqualTo("api://nobody-has-this"), "asked, and refused with AADSTS500011");
        Assert.That(app.LogMessages(LogLevel.Error), Has.Some.Contains("could not get a token for api://nobody-has-this/.default")
            .And.Some.Contains("application ID URI"));
        Assert.That(_rig.Sts.Requests, Is.Zero);
        AssertNothingSecretIn(app, body);
    }

    [Test]
    public async Task AnUnreachableStsIsServiceUnavailable()
    {
        var closed = $"http://127.0.0.1:{AppOutput.FreePort()}/v1/token";
        var app = await StartAppAsync(_rig.Settings(("Firestore:WorkloadIdentity:StsUrl", closed)));

        var (status, body, response) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        Api.ContractTests.AssertError(body, "store_unavailable");
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(app.LogMessages(LogLevel.Error), Has.Some.Contains("Google STS " + closed + " could not be reached"));
        AssertNothingSecretIn(app, body);
    }

    [Test]
    public async Task AnUnavailableIamCredentialsIsServiceUnavailable()
    {
        _rig.Iam.Unavailable = true;
        var app = await StartAppAsync();

        var (status, body, response) = await app.PostAsync(new { action = "create_session" });

        Assert.That(status, Is.EqualTo(503), body.ToJsonString());
        Api.ContractTests.AssertError(body, "store_unavailable");
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(_rig.Iam.Requests, Is.GreaterThan(1), "503 is retried");
    }

    [Test]
    public async Task AFailedRefreshIsTheAnswerForAFewSecondsThenTriedAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _rig.Iam.Now = time.GetUtcNow;
        _rig.Sts.Unavailable = true;
        // Retries without delay: the resilience pipeline waits on the app's clock, which only the test moves.
        var app = await StartAppAsync(_rig.Settings(("Firestore:RetryBaseDelay", "00:00:00")), time);

        var (first, _, _) = await app.PostAsync(new { action = "create_session" });
        var exchanges = _rig.Sts.Requests;
        _rig.Sts.Unavailable = false;
        var (second, _, _) = await app.PostAsync(new { action = "create_session" });
        Assert.That((first, second), Is.EqualTo((503, 503)));
        Assert.That(_rig.Sts.Requests, Is.EqualTo(exchanges), "within 5 seconds the failure answers, STS is not asked again");

        time.Advance(TimeSpan.FromSeconds(5));
        var (third, body, _) = await app.PostAsync(new { action = "create_session" });
        Assert.That(third, Is.EqualTo(200), body.ToJsonString());
    }
}
