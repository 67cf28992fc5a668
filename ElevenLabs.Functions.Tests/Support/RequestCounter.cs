using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>Counts the requests the app has received, ahead of its own pipeline: lets a test know they are all in.</summary>
public sealed class RequestCounter : IStartupFilter
{
    private int _received;

    public int Received => Volatile.Read(ref _received);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            Interlocked.Increment(ref _received);
            await following(context);
        });
        next(app);
    };

    /// <summary>Waits until at least <paramref name="count"/> requests are in (a deadline, not a measurement).</summary>
    public async Task WaitForAsync(int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (Received < count)
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
