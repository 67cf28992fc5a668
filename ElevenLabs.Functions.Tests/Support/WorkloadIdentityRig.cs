namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Everything keyless access to Firestore touches, on loopback: the Azure managed identity endpoint (App Service style),
/// Google STS with one workload identity pool provider trusting that tenant, IAM credentials with the federated
/// identity allowed to act as the service account, Firestore accepting only that service account's tokens, and
/// ElevenLabs. <see cref="Settings"/> gives an app's settings for it, each time with an application ID URI of its own
/// (Azure.Identity caches managed identity tokens per process and resource, so apps of one test run never share one).
/// While it runs, this test process has Azure's <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c> pointing at it:
/// Azure.Identity reads them from the process environment only (fixtures using it are not parallelizable).
/// </summary>
public sealed class WorkloadIdentityRig : IStandIns<WorkloadIdentityRig>
{
    public const string ProjectId = "replit-4f946";
    public const string ProjectNumber = "123456789012";
    public const string Pool = "azure-apps";
    public const string Provider = "elevenlabs-function";
    public const string ServiceAccountEmail = "elevenlabs-sessions@replit-4f946.iam.gserviceaccount.com";
    public const string Audience = $"//iam.googleapis.com/projects/{ProjectNumber}/locations/global/workloadIdentityPools/{Pool}/providers/{Provider}";
    public const string PrincipalPrefix = $"principal://iam.googleapis.com/projects/{ProjectNumber}/locations/global/workloadIdentityPools/{Pool}/subject/";
    private int _applications;
    private ProcessEnvironment? _environment;

    private WorkloadIdentityRig(ElevenLabsStandIn elevenLabs, FirestoreStandIn firestore, ManagedIdentityStandIn identity, GoogleStsStandIn sts, IamCredentialsStandIn iam)
    {
        ElevenLabs = elevenLabs;
        Firestore = firestore;
        Identity = identity;
        Sts = sts;
        Iam = iam;
    }

    public ElevenLabsStandIn ElevenLabs { get; }
    public FirestoreStandIn Firestore { get; }
    public ManagedIdentityStandIn Identity { get; }
    public GoogleStsStandIn Sts { get; }
    public IamCredentialsStandIn Iam { get; }

    /// <summary>The federated principal of the app's managed identity, as IAM bindings name it.</summary>
    public string Principal => PrincipalPrefix + Identity.ObjectId;

    /// <summary>The application ID URI of the last <see cref="Settings"/>.</summary>
    public string ApplicationIdUri { get; private set; } = "";

    public static async Task<WorkloadIdentityRig> StartAsync()
    {
        var identity = await ManagedIdentityStandIn.StartAsync();
        var sts = await GoogleStsStandIn.StartAsync(identity, Audience);
        var iam = await IamCredentialsStandIn.StartAsync(sts, ServiceAccountEmail, PrincipalPrefix);
        var firestore = await FirestoreStandIn.StartAsync(); // trusts no key: only the tokens IAM credentials issues
        iam.Issued = token => firestore.AcceptToken(token, ServiceAccountEmail);
        var rig = new WorkloadIdentityRig(new ElevenLabsStandIn(), firestore, identity, sts, iam);
        iam.WorkloadIdentityUsers[rig.Principal] = true;
        rig._environment = ProcessEnvironment.Set(identity.Environment);
        return rig;
    }

    /// <summary>A new Entra ID application ID URI, which the identity endpoint issues tokens for and the provider accepts.</summary>
    public string NewApplicationIdUri()
    {
        var uri = $"api://elevenlabs-firestore-{Interlocked.Increment(ref _applications)}-{Guid.NewGuid().ToString("N")[..6]}";
        Identity.Resources[uri] = true;
        Sts.AllowedAudiences[uri] = true;
        return ApplicationIdUri = uri;
    }

    /// <summary>The app with <c>Firestore:Auth=WorkloadIdentity</c> on these stand-ins, as the user-assigned identity.</summary>
    public Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = Support.Settings.For(ElevenLabs);
        settings.Remove("Sessions:Store");
        settings["Firestore:Auth"] = "WorkloadIdentity";
        settings["Firestore:ProjectId"] = ProjectId;
        settings["Firestore:BaseUrl"] = Firestore.Url.ToString();
        settings["Firestore:RetryBaseDelay"] = "00:00:00.020";
        settings["Firestore:WorkloadIdentity:Audience"] = Audience;
        settings["Firestore:WorkloadIdentity:ServiceAccountEmail"] = ServiceAccountEmail;
        settings["Firestore:WorkloadIdentity:AzureTokenScope"] = NewApplicationIdUri() + "/.default";
        settings["Firestore:WorkloadIdentity:StsUrl"] = Sts.TokenUrl.ToString();
        settings["Firestore:WorkloadIdentity:ImpersonationUrl"] = Iam.GenerateAccessTokenUrl.ToString();
        settings["KeyVault:ManagedIdentityClientId"] = Identity.ClientId;
        return settings.With(extra);
    }

    /// <summary>Every credential the rig handed out (service-account tokens: since the last <see cref="Reset"/>) or holds: none may reach a log or an answer.</summary>
    public IEnumerable<string> Secrets =>
        [Identity.Secret, .. Identity.IssuedTokens.Keys, .. Sts.IssuedTokens.Keys, .. Iam.IssuedTokens];

    /// <summary>Counts to zero, no faults, no held answers, the app's identity allowed to act as the service account.</summary>
    public void Reset()
    {
        Identity.ResetCounts();
        Sts.ResetCounts();
        Iam.ResetCounts();
        Iam.IssuedTokens.Clear();
        Iam.BeforeAnswer = null;
        Iam.Unavailable = false;
        Sts.Unavailable = false;
        Iam.WorkloadIdentityUsers[Principal] = true;
        Firestore.ClearFaults();
        ElevenLabs.Reset();
    }

    public async ValueTask DisposeAsync()
    {
        _environment?.Dispose();
        await Firestore.DisposeAsync();
        await Iam.DisposeAsync();
        await Sts.DisposeAsync();
        await Identity.DisposeAsync();
        ElevenLabs.Dispose();
    }
}
