using System.Diagnostics;

namespace Ops.Cluster.Bench;

/// <summary>Runs a load for a fixed time with N concurrent workers; medians over runs are taken by the caller.</summary>
internal static class Measure
{
    /// <summary>Operations per second of <paramref name="workers"/> loops running <paramref name="operation"/> for <paramref name="duration"/>.</summary>
    public static async Task<double> ThroughputAsync(int workers, TimeSpan duration, Func<int, long, Task> operation)
    {
        var stop = false;
        var counts = new long[workers];
        var stopwatch = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            long n = 0;
            while (!Volatile.Read(ref stop))
            {
                await operation(w, n++);
            }

            counts[w] = n;
        })).ToList();
        await Task.Delay(duration);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops);
        return counts.Sum() / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Per-operation latencies (µs) of <paramref name="workers"/> loops, plus the throughput.</summary>
    public static async Task<(double PerSecond, double[] LatenciesMicros)> LatencyAsync(int workers, TimeSpan duration, Func<int, long, Task> operation)
    {
        var stop = false;
        var samples = new List<double>[workers];
        var stopwatch = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = new List<double>(100_000);
            long n = 0;
            while (!Volatile.Read(ref stop))
            {
                var start = Stopwatch.GetTimestamp();
                await operation(w, n++);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            samples[w] = mine;
        })).ToList();
        await Task.Delay(duration);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops);
        var all = samples.SelectMany(s => s).ToArray();
        Array.Sort(all);
        return (all.Length / stopwatch.Elapsed.TotalSeconds, all);
    }

    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p / 100 * sorted.Length))];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
