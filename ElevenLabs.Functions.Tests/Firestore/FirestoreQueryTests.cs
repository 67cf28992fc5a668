using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Firestore;

/// <summary>The store's <c>:runQuery</c> lookups against the REST stand-in: the wire request, documents other writers left, the index.</summary>
[TestFixture]
public sealed class FirestoreQueryTests : FirestoreAppFixture
{
    private const string Project = "replit-4f946";
    private const string Collection = "conversation-sessions";

    private ISessionStore Store => App.Services.GetRequiredService<ISessionStore>();

    [TearDown]
    public void RestoreIndexes() => Rig.Firestore.Indexes = FirestoreRig.DeployedIndexes();

    [Test]
    public async Task AQueryIsOnePostToTheDocumentsRootsRunQuery()
    {
        var before = Rig.Firestore.Requests.Count;

        await Store.FindIdleAsync(DateTimeOffset.UnixEpoch, 200);

        var request = Rig.Firestore.Requests.Skip(before).Single();
        Assert.That(request.Method, Is.EqualTo("POST"));
        Assert.That(request.RawTarget, Is.EqualTo($"/v1/projects/{Project}/databases/(default)/documents:runQuery"));
    }

    [Test]
    public async Task ASessionIsFoundByAnyOfTheElevenLabsIdsAnotherWriterListed()
    {
        var id = ConversationId.NewId();
        Rig.Firestore.Put(Project, Collection, id, new JsonObject
        {
            ["conversationId"] = new JsonObject { ["stringValue"] = id },
            ["status"] = new JsonObject { ["stringValue"] = "active" },
            ["elevenLabsConversationId"] = new JsonObject { ["stringValue"] = "conv_el_second" + id },
            ["elevenLabsConversationIds"] = new JsonObject
            {
                ["arrayValue"] = new JsonObject
                {
                    ["values"] = new JsonArray(
                        new JsonObject { ["stringValue"] = "conv_el_first" + id },
                        new JsonObject { ["stringValue"] = "conv_el_second" + id }),
                },
            },
        });

        var byFirst = await Store.FindByElevenLabsConversationIdAsync("conv_el_first" + id);
        var byLatest = await Store.FindByElevenLabsConversationIdAsync("conv_el_second" + id);

        Assert.That(byFirst!.Session.ConversationId, Is.EqualTo(id), "an earlier call's id is only in the array");
        Assert.That(byLatest!.Session.ConversationId, Is.EqualTo(id));
    }

    [Test]
    public void WithoutTheCompositeIndexTheIdleQueryFailsAndTheLogSaysWhichIndexToCreate()
    {
        Rig.Firestore.Indexes = new JsonObject { ["indexes"] = new JsonArray() };

        var failure = Assert.ThrowsAsync<SessionStoreException>(() => Store.FindIdleAsync(DateTimeOffset.UnixEpoch, 200));

        Assert.That(failure!.Failure, Is.EqualTo(SessionStoreFailure.Failed));
        Assert.That(App.LogMessages(LogLevel.Error), Has.Some.Contains("infra/firestore.indexes.json").And.Contains("The query requires an index"));
    }

    [Test]
    public async Task TheShippedIndexServesTheIdleQuery()
    {
        var id = ConversationId.NewId();
        var updatedAt = new DateTimeOffset(1999, 12, 31, 23, 0, 0, TimeSpan.Zero);
        await Store.CreateAsync(SampleSession.Create() with { ConversationId = id, CreatedAt = updatedAt, UpdatedAt = updatedAt });

        var idle = await Store.FindIdleAsync(updatedAt.AddMinutes(1), 200);

        Assert.That(idle.Select(s => s.Session.ConversationId), Does.Contain(id));
    }

    [Test]
    public async Task AnIdleQueryFailingTransientlyIsRetried()
    {
        Rig.Firestore.Fail("UNAVAILABLE", 503, count: 2);

        var idle = await Store.FindIdleAsync(DateTimeOffset.UnixEpoch, 200);

        Assert.That(idle, Is.Empty);
    }
}
