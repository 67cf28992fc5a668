namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>One side of the benchmark: the three actions of an interview, each throwing when it did not succeed.</summary>
internal interface IInterviewClient
{
    /// <summary>Starts a session; returns its conversation id.</summary>
    Task<string> CreateSessionAsync(int interview);

    Task GetSignedUrlAsync(string conversationId);

    Task EndSessionAsync(string conversationId);
}
