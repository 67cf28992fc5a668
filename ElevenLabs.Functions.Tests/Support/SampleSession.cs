using System.Text.Json;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>A session as the create use case makes one, for store tests that write sessions directly.</summary>
public static class SampleSession
{
    /// <summary>A clock reading with milliseconds: the sessions' times add microseconds to it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 0, 123, TimeSpan.Zero);

    public static Session Create(string metadataJson = """{"jobTitle":"Software Engineer","source":"ai-interview-client"}""") => new()
    {
        ConversationId = ConversationId.NewId(),
        AgentId = "EVQJtCNSo0L6uHQnImQu",
        UserId = "user123",
        CandidateId = "candidate456",
        JobId = null,
        Metadata = JsonDocument.Parse(metadataJson).RootElement.Clone(),
        Status = SessionStatus.Active,
        CreatedAt = Now.AddTicks(4560),
        UpdatedAt = Now.AddTicks(4560),
    };
}
