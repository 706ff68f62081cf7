namespace Ops.Ingest.Bench;

/// <summary>Medians over runs and percentiles over sorted samples (no histogram library: samples are kept and sorted).</summary>
internal static class Stats
{
    /// <summary>The <paramref name="p"/>-th percentile (0-100) of <paramref name="sorted"/>, NaN when empty.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p / 100 * sorted.Length))];

    /// <summary>The median of <paramref name="values"/>, NaN when empty.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Milliseconds between two <see cref="System.Diagnostics.Stopwatch"/> timestamps.</summary>
    public static double Millis(long from, long to) => (to - from) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
