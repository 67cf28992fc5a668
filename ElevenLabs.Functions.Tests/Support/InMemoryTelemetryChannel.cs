using System.Collections.Concurrent;
using System.Text;
using Microsoft.ApplicationInsights.Channel;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>An Application Insights channel that keeps what would have been sent.</summary>
public sealed class InMemoryTelemetryChannel : ITelemetryChannel
{
    public const string ConnectionString = "InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=http://127.0.0.1:9/";

    public ConcurrentQueue<ITelemetry> Items { get; } = new();
    public bool? DeveloperMode { get; set; }
    public string EndpointAddress { get; set; } = "";

    public void Send(ITelemetry item) => Items.Enqueue(item);

    public void Flush()
    {
    }

    /// <summary>The items in Application Insights' wire format, as the ingestion endpoint would receive them.</summary>
    public string WireFormat() =>
        Encoding.UTF8.GetString(Microsoft.ApplicationInsights.Extensibility.Implementation.JsonSerializer.Serialize(Items.ToList(), compress: false));

    public void Dispose()
    {
    }
}
