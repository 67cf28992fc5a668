namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>Latencies of one action on one side, in milliseconds; percentiles by nearest rank.</summary>
internal sealed class LatencySamples
{
    private readonly List<double> _values = [];

    public int Count
    {
        get
        {
            lock (_values)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_values)
        {
            _values.Add(milliseconds);
        }
    }

    public double Percentile(double p)
    {
        lock (_values)
        {
            if (_values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _values.Order().ToList();
            return sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }

    public double Median => Percentile(50);

    public double Mean
    {
        get
        {
            lock (_values)
            {
                return _values.Count == 0 ? double.NaN : _values.Average();
            }
        }
    }
}
