using System.Diagnostics;

namespace Ops.Ingest.Bench;

/// <summary>What the latency phase measured.</summary>
internal sealed record LatencyResult
{
    public required double TargetRate { get; init; }

    public required double SentRate { get; init; }

    /// <summary>Alerts due within the run.</summary>
    public required int Due { get; init; }

    /// <summary>Alerts sent (an overloaded server gets fewer than were due).</summary>
    public required int Sent { get; init; }

    public required long Failures { get; init; }

    public required int Remediable { get; init; }

    public required int Novel { get; init; }

    /// <summary>Accept latencies (ms, sorted) measured from each alert's due time, so a late send counts.</summary>
    public required double[] AcceptMs { get; init; }

    public required double[] RemediationMs { get; init; }

    public required double[] PageMs { get; init; }

    public required long LagAtEnd { get; init; }

    public required long LagAfterDrain { get; init; }

    public required double DrainSeconds { get; init; }

    public required double Cores { get; init; }
}

/// <summary>
/// Open loop at a fixed rate: alert i (batch of one) is due at start + i / rate and is sent by the next free of the
/// connections' loops; its due time is its signal time. Sending stops a second after the run's length even if the
/// server fell behind (the alerts not sent by then are counted as due, not sent). Then waits until every remediable
/// alert's call arrived and the inbox is drained (or the drain limit passes) and matches arrivals with signals
/// (<see cref="SignalLedger"/>).
/// </summary>
internal static class LatencyPhase
{
    public static async Task<LatencyResult> RunAsync(BenchSilo silo, LoopbackReceiver receiver, AcceptLoad load, AlertStream stream, double rate, TimeSpan duration, TimeSpan drainLimit)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var first = stream.Reserve(count);
        var ledger = new SignalLedger(first, count);
        receiver.Track(ledger);
        var accepted = new double[count];
        Array.Fill(accepted, double.NaN);
        var failures = 0L;
        var next = -1;
        var cpu = new CpuMeter();
        var ticksPerAlert = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10);
        // A server that cannot keep up is not waited for: what is not sent by the end of the run (plus a second) is not sent.
        var deadline = start + (long)((duration.TotalSeconds + 1) * Stopwatch.Frequency);
        var posted = new bool[count];
        using var progress = new CancellationTokenSource();
        var reporter = ReportAsync(silo, ledger, () => Math.Min(Volatile.Read(ref next) + 1, count), progress.Token);
        var loops = Enumerable.Range(0, load.Connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && Stopwatch.GetTimestamp() < deadline)
            {
                var due = start + (long)(i * ticksPerAlert);
                var ahead = Stats.Millis(Stopwatch.GetTimestamp(), due);
                if (ahead >= 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(ahead));
                }

                ledger.Sent(first + i, due);
                posted[i] = true;
                if (await load.PostAsync(stream.Body(first + i, 1)))
                {
                    accepted[i] = Stats.Millis(due, Stopwatch.GetTimestamp());
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        await Task.WhenAll(loops);
        var sendingTook = Stats.Millis(start, Stopwatch.GetTimestamp()) / 1000;
        var lagAtEnd = silo.InboxLag;
        var cores = cpu.SelfCores;
        var sent = posted.Count(p => p);
        var novel = Enumerable.Range(0, count).Count(i => posted[i] && stream.IsNovel(first + i));

        var drainStarted = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(drainStarted) < drainLimit && (ledger.Remediations < sent - novel || silo.InboxLag > 0))
        {
            await Task.Delay(200);
        }

        var drain = Stopwatch.GetElapsedTime(drainStarted).TotalSeconds;
        await Task.Delay(500); // pages of the last incidents may still be on the wire
        await progress.CancelAsync();
        await reporter;
        receiver.Track(null);
        var acceptMs = accepted.Where(a => !double.IsNaN(a)).ToArray();
        Array.Sort(acceptMs);
        return new LatencyResult
        {
            TargetRate = rate,
            SentRate = sent / sendingTook,
            Due = count,
            Sent = sent,
            Failures = failures,
            Remediable = sent - novel,
            Novel = novel,
            AcceptMs = acceptMs,
            RemediationMs = ledger.RemediationLatencies(),
            PageMs = ledger.PageLatencies(),
            LagAtEnd = lagAtEnd,
            LagAfterDrain = silo.InboxLag,
            DrainSeconds = drain,
            Cores = cores,
        };
    }

    private static async Task ReportAsync(BenchSilo silo, SignalLedger ledger, Func<int> sent, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1000, stop);
                Console.WriteLine($"  t={Stopwatch.GetElapsedTime(started).TotalSeconds,5:F1}s sent {sent(),7:N0}  remediated {ledger.Remediations,7:N0}  paged {ledger.Pages,5:N0}  inbox lag {silo.InboxLag,8:N0}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
