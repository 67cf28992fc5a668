using System.Text.Json.Nodes;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>ElevenLabs and Firestore stand-ins, a service-account key trusted by the token endpoint, and the app's settings for them.</summary>
public sealed class FirestoreRig : IStandIns<FirestoreRig>
{
    private FirestoreRig(ElevenLabsStandIn elevenLabs, FirestoreStandIn firestore, ServiceAccount account)
    {
        ElevenLabs = elevenLabs;
        Firestore = firestore;
        Account = account;
    }

    public ElevenLabsStandIn ElevenLabs { get; }
    public FirestoreStandIn Firestore { get; }
    public ServiceAccount Account { get; }

    public static async Task<FirestoreRig> StartAsync()
    {
        var firestore = await FirestoreStandIn.StartAsync();
        var account = new ServiceAccount(firestore.TokenUri);
        firestore.TrustedAccount = (account.Rsa, account.Email);
        firestore.Indexes = DeployedIndexes();
        return new FirestoreRig(new ElevenLabsStandIn(), firestore, account);
    }

    /// <summary>The composite indexes the project ships (<c>infra/firestore.indexes.json</c>): what Firestore would have.</summary>
    public static JsonObject DeployedIndexes() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput.RepositoryRoot, "infra", "firestore.indexes.json")))!.AsObject();

    /// <summary>The app on the stand-in through the service account (no project id: it comes from the key).</summary>
    public Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = Support.Settings.For(ElevenLabs);
        settings.Remove("Sessions:Store");
        settings["Firestore:BaseUrl"] = Firestore.Url.ToString();
        settings["Firestore:CredentialsJson"] = Account.Json;
        settings["Firestore:RetryBaseDelay"] = "00:00:00.020";
        return settings.With(extra);
    }

    public void Reset()
    {
        Firestore.ClearFaults();
        ElevenLabs.Reset();
    }

    public async ValueTask DisposeAsync()
    {
        await Firestore.DisposeAsync();
        ElevenLabs.Dispose();
        Account.Dispose();
    }
}
