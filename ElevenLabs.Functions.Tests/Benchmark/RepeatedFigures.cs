using System.Globalization;
using System.Text;

namespace ElevenLabs.Functions.Tests.Benchmark;

/// <summary>
/// Figures measured once per repeat (a fresh start of every side, its own warm-up and rounds), printed as the median
/// over the repeats with their range: the run-to-run spread a difference must exceed to count.
/// </summary>
internal sealed class RepeatedFigures
{
    private readonly List<(string Figure, string Side)> _order = [];
    private readonly Dictionary<(string Figure, string Side), List<double>> _values = [];

    public void Add(string figure, string side, double value)
    {
        if (!_values.TryGetValue((figure, side), out var values))
        {
            _values[(figure, side)] = values = [];
            _order.Add((figure, side));
        }

        values.Add(value);
    }

    public string Report(int repeats)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"SUMMARY over {repeats} repeat(s): median [min .. max] of the repeats' figures");
        foreach (var figure in _order.Select(k => k.Figure).Distinct())
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {figure}");
            foreach (var (_, side) in _order.Where(k => k.Figure == figure))
            {
                var sorted = _values[(figure, side)].Order().ToList();
                var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
                report.AppendLine(CultureInfo.InvariantCulture, $"    {side,-44}{median,9:F2}  [{sorted[0]:F2} .. {sorted[^1]:F2}]");
            }
        }

        return report.ToString();
    }
}
