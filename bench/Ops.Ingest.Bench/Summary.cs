namespace Ops.Ingest.Bench;

/// <summary>Prints the figures as markdown tables (what bench/README.md quotes).</summary>
internal static class Summary
{
    public static void Print(IReadOnlyList<AcceptSeries> series, IReadOnlyList<(string Basis, LatencyResult Result)> latencies, string? alertmanagerVersion, string? alertmanagerProblem, double quotedBatch1, double quotedBatch100, string loopOn, string storeOnly)
    {
        if (series.Count > 0)
        {
            Console.WriteLine("| server | batch | alerts/s | requests/s | accept p50 / p99 (ms) | CPU: bench process + server (cores) | inbox lag after the runs | remediation calls/s meanwhile |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var s in series)
            {
                var cpu = s.Server == "Alertmanager" ? $"{s.SelfCores:F2} + {s.OtherCores:F2}" : $"{s.SelfCores:F2} (silo and client)";
                var lag = s.LagAfter is { } l ? $"{l:N0}" : "";
                var remediations = double.IsNaN(s.RemediationsPerSecond) ? "" : $"{s.RemediationsPerSecond:N0}";
                var failed = s.Failures > 0 ? $" {s.Failures} requests failed" : "";
                Console.WriteLine($"| {s.Server} | {s.Batch} | {s.AlertsPerSecond:N0} | {s.RequestsPerSecond:N0} | {s.P50:F2} / {s.P99:F2} | {cpu} | {lag} | {remediations} |{failed}");
            }

            Console.WriteLine();
            foreach (var batch in new[] { 1, 100 })
            {
                var reference = series.FirstOrDefault(s => s.Server == "Alertmanager" && s.Batch == batch)?.AlertsPerSecond;
                var (referenceRate, referenceName) = reference is { } measured
                    ? (measured, $"{alertmanagerVersion ?? "Alertmanager"} measured here")
                    : (batch == 1 ? quotedBatch1 : quotedBatch100, $"the issue's Alertmanager 0.25 figure ({alertmanagerProblem ?? "not measured"})");
                foreach (var ours in series.Where(s => s.Batch == batch && (s.Server == loopOn || s.Server == storeOnly)))
                {
                    Console.WriteLine($"batch {batch}: {ours.Server} / Alertmanager = {ours.AlertsPerSecond:N0} / {referenceRate:N0} = {ours.AlertsPerSecond / referenceRate:F2}× (goal ≥ 2×; reference: {referenceName})");
                }
            }

            Console.WriteLine();
        }

        foreach (var (basis, l) in latencies)
        {
            var remediationShare = l.Remediable == 0 ? 0 : 100.0 * l.RemediationMs.Length / l.Remediable;
            Console.WriteLine($"| latency phase at {l.TargetRate:N0} alerts/s ({basis}) | value |");
            Console.WriteLine("| --- | ---: |");
            Console.WriteLine($"| rate: target / sent (alerts/s, batch 1) | {l.TargetRate:N0} / {l.SentRate:N0} |");
            Console.WriteLine($"| mix: {AlertStream.RemediableAlertName} / {AlertStream.NovelAlertName} | {l.Remediable:N0} / {l.Novel:N0} ({l.Sent:N0} alerts sent of {l.Due:N0} due{(l.Failures > 0 ? $", {l.Failures} FAILED" : "")}) |");
            Console.WriteLine($"| accept p50 / p99 (ms, from due time) | {Stats.Percentile(l.AcceptMs, 50):F2} / {Stats.Percentile(l.AcceptMs, 99):F2} (goal p99 ≤ 20) |");
            Console.WriteLine($"| signal → remediation call p50 / p99 (ms) | {Stats.Percentile(l.RemediationMs, 50):N0} / {Stats.Percentile(l.RemediationMs, 99):N0} ({l.RemediationMs.Length:N0} of {l.Remediable:N0} arrived, {remediationShare:F1}%) |");
            Console.WriteLine($"| signal → page p50 / p99 (ms) | {Stats.Percentile(l.PageMs, 50):N0} / {Stats.Percentile(l.PageMs, 99):N0} ({l.PageMs.Length:N0} pages for {l.Novel:N0} novel alerts: one incident per product and correlation window, later ones attach) |");
            Console.WriteLine($"| inbox lag: when sending ended / after draining | {l.LagAtEnd:N0} / {l.LagAfterDrain:N0} (drained for {l.DrainSeconds:F1} s) |");
            Console.WriteLine($"| CPU while sending (silo and client, cores) | {l.Cores:F2} |");
            Console.WriteLine();
        }
    }
}
