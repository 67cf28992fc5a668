namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>Counts the requests a side made, warm-up included (to know how many requests the app's telemetry must show).</summary>
internal sealed class CountingClient(IInterviewClient inner) : IInterviewClient
{
    private int _requests;

    public int Requests => _requests;

    public Task<string> CreateSessionAsync(int interview)
    {
        Interlocked.Increment(ref _requests);
        return inner.CreateSessionAsync(interview);
    }

    public Task GetSignedUrlAsync(string conversationId)
    {
        Interlocked.Increment(ref _requests);
        return inner.GetSignedUrlAsync(conversationId);
    }

    public Task EndSessionAsync(string conversationId)
    {
        Interlocked.Increment(ref _requests);
        return inner.EndSessionAsync(conversationId);
    }
}
