using System.Diagnostics;

namespace Ops.Ingest.Bench;

/// <summary>
/// The latency phase's books: for each alert id in [<see cref="FirstId"/>, FirstId + Count), when it was (due to be)
/// sent, and when its remediation call and its page reached the receiver (<see cref="Stopwatch"/> timestamps, 0 = not
/// yet). Only the first arrival counts (a retry carries the same id).
/// </summary>
internal sealed class SignalLedger(long firstId, int count)
{
    private readonly long[] _sent = new long[count];
    private readonly long[] _remediated = new long[count];
    private readonly long[] _paged = new long[count];
    private int _remediations;
    private int _pages;

    public long FirstId { get; } = firstId;

    public int Count { get; } = count;

    /// <summary>Distinct alerts whose remediation call arrived.</summary>
    public int Remediations => Volatile.Read(ref _remediations);

    /// <summary>Distinct alerts named by a page that arrived.</summary>
    public int Pages => Volatile.Read(ref _pages);

    public void Sent(long id, long timestamp) => _sent[id - FirstId] = timestamp;

    public void Remediated(long id, long timestamp)
    {
        if (Contains(id) && Interlocked.CompareExchange(ref _remediated[id - FirstId], timestamp, 0) == 0)
        {
            Interlocked.Increment(ref _remediations);
        }
    }

    public void Paged(long id, long timestamp)
    {
        if (Contains(id) && Interlocked.CompareExchange(ref _paged[id - FirstId], timestamp, 0) == 0)
        {
            Interlocked.Increment(ref _pages);
        }
    }

    /// <summary>Sorted signal → remediation latencies (ms) of the alerts whose call arrived.</summary>
    public double[] RemediationLatencies() => Latencies(_remediated);

    /// <summary>Sorted signal → page latencies (ms) of the alerts a page named.</summary>
    public double[] PageLatencies() => Latencies(_paged);

    private bool Contains(long id) => id >= FirstId && id < FirstId + Count;

    private double[] Latencies(long[] arrivals)
    {
        var latencies = new List<double>();
        for (var i = 0; i < Count; i++)
        {
            var arrived = Volatile.Read(ref arrivals[i]);
            if (arrived != 0 && _sent[i] != 0)
            {
                latencies.Add(Stats.Millis(_sent[i], arrived));
            }
        }

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
