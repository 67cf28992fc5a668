namespace ElevenLabs.Functions.Tests.Support;

/// <summary>Requests as the Cloud Function's guide shows its client sending them.</summary>
public static class CloudFunctionRequests
{
    /// <summary>The guide's <c>create_session</c>, every field filled.</summary>
    public static object CreateSession { get; } = new
    {
        action = "create_session",
        userId = "user123",
        candidateId = "candidate456",
        jobId = "job789",
        metadata = new { jobTitle = "Software Engineer", source = "ai-interview-client" },
    };
}
