using Google.Apis.Util;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>The app's <see cref="TimeProvider"/> as Google.Apis.Auth's clock: when its tokens count as expiring.</summary>
internal sealed class TimeProviderClock(TimeProvider time) : IClock
{
    public DateTime Now => time.GetLocalNow().DateTime;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
}
