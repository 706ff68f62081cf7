namespace Ops.Ingest.Bench;

/// <summary>A server the accept phase measures: its load generator, and what else can be read of it.</summary>
/// <param name="Server">Its name in the figures.</param>
/// <param name="Load">The connections to it.</param>
/// <param name="Pid">Its process when it is not this one (Alertmanager), for its CPU.</param>
/// <param name="Silo">Our silo, for its inbox lag.</param>
/// <param name="Receiver">The loopback receiver, for the remediation calls made while accepting.</param>
internal sealed record AcceptTarget(string Server, AcceptLoad Load, int? Pid = null, BenchSilo? Silo = null, LoopbackReceiver? Receiver = null);

/// <summary>The medians of one server's accept runs at one batch size (each figure the median of its own values).</summary>
internal sealed record AcceptSeries(string Server, int Batch, IReadOnlyList<AcceptRun> Runs, long? LagAfter, double RemediationsPerSecond)
{
    public double AlertsPerSecond => Stats.Median(Runs.Select(r => r.AlertsPerSecond));

    public double RequestsPerSecond => Stats.Median(Runs.Select(r => r.RequestsPerSecond));

    public double P50 => Stats.Median(Runs.Select(r => r.P50));

    public double P99 => Stats.Median(Runs.Select(r => r.P99));

    public double SelfCores => Stats.Median(Runs.Select(r => r.SelfCores));

    public double OtherCores => Stats.Median(Runs.Select(r => r.OtherCores));

    public long Failures => Runs.Sum(r => r.Failures);

    /// <summary>
    /// Warms each target up (2 s), then runs <paramref name="runs"/> rounds of one run per target in turn, so that
    /// servers measured together see the same moments of a shared, noisy machine; prints each run.
    /// </summary>
    public static async Task<IReadOnlyList<AcceptSeries>> MeasureAsync(IReadOnlyList<AcceptTarget> targets, AlertStream stream, int batch, int runs, TimeSpan length)
    {
        foreach (var target in targets)
        {
            await target.Load.RunAsync(stream, batch, TimeSpan.FromSeconds(2), target.Pid);
        }

        var measured = targets.Select(_ => new List<AcceptRun>()).ToArray();
        var remediations = targets.Select(_ => new List<double>()).ToArray();
        for (var run = 1; run <= runs; run++)
        {
            for (var t = 0; t < targets.Count; t++)
            {
                var target = targets[t];
                var calls = target.Receiver?.RemediationCalls ?? 0;
                var result = await target.Load.RunAsync(stream, batch, length, target.Pid);
                var remediated = ((target.Receiver?.RemediationCalls ?? 0) - calls) / length.TotalSeconds;
                measured[t].Add(result);
                remediations[t].Add(remediated);
                var other = target.Pid is null ? "" : $" + server {result.OtherCores:F2}";
                var lag = target.Silo is null ? "" : $", inbox lag {target.Silo.InboxLag:N0}";
                var loop = target.Receiver is null ? "" : $", remediation calls {remediated:N0}/s";
                Console.WriteLine($"  {target.Server}, batch {batch}, run {run}: {result.AlertsPerSecond:N0} alerts/s, {result.RequestsPerSecond:N0} req/s, p50 {result.P50:F2} ms, p99 {result.P99:F2} ms, CPU {result.SelfCores:F2}{other} cores{lag}{loop}{(result.Failures > 0 ? $", {result.Failures} FAILED" : "")}");
            }
        }

        return [.. targets.Select((target, t) => new AcceptSeries(
            target.Server,
            batch,
            measured[t],
            target.Silo?.InboxLag,
            target.Receiver is null ? double.NaN : Stats.Median(remediations[t])))];
    }
}
