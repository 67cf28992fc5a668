using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Store;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Sessions;

/// <summary>
/// The in-memory store keeps at most <c>Sessions:InMemoryCapacity</c> sessions (here 3): a create beyond that drops
/// an ended session first, then the oldest; the start-up warning says so. Over HTTP.
/// </summary>
[TestFixture]
public sealed class InMemoryCapacityTests : AppFixture
{
    protected override IEnumerable<(string Key, string? Value)> ExtraSettings => [("Sessions:InMemoryCapacity", "3")];

    private IReadOnlyList<Session> Stored => ((InMemorySessionStore)App.Services.GetRequiredService<ISessionStore>()).Snapshot();

    private async Task<string> CreateAsync(string userId)
    {
        var (status, body, _) = await App.PostAsync(new { action = "create_session", userId });
        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        return body["conversationId"]!.GetValue<string>();
    }

    private async Task<int> EndAsync(string id) => (await App.PostAsync(new { action = "end_session", conversationId = id })).Status;

    private async Task<int> ReissueAsync(string id) => (await App.PostAsync(new { action = "get_signed_url", conversationId = id })).Status;

    [Test]
    public async Task BeyondTheCapacityEndedSessionsGoFirstThenTheOldest()
    {
        var first = await CreateAsync("first");
        var second = await CreateAsync("second");
        var third = await CreateAsync("third");
        Assert.That(await EndAsync(second), Is.EqualTo(200));

        await CreateAsync("fourth"); // full: the ended session makes room, though the first is older
        Assert.That(await ReissueAsync(first), Is.EqualTo(200), "the oldest, still active, is kept while an ended one can go");
        Assert.That(await EndAsync(second), Is.EqualTo(404), "the ended session was dropped");

        await CreateAsync("fifth"); // full, none ended: the oldest goes
        Assert.That(await ReissueAsync(first), Is.EqualTo(404), "then the oldest");
        Assert.That(await ReissueAsync(third), Is.EqualTo(200));
        Assert.That(Stored.Select(s => s.UserId), Is.EquivalentTo(new[] { "third", "fourth", "fifth" }));
    }

    [Test]
    public void TheStartUpWarningSaysSessionsAreCapped() =>
        Assert.That(App.LogMessages(LogLevel.Warning), Has.Some.Contains("lost on restart").And.Contains("At most 3 are kept (Sessions:InMemoryCapacity)"));
}
