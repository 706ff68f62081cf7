using System.Runtime;
using System.Runtime.InteropServices;
using Ops.Ingest.Bench;

// The ops loop's ingest figures (issue 3). Usage (see bench/README.md, "Ingest (issue 3)"):
//   dotnet run -c Release --project bench/Ops.Ingest.Bench -- [--runs 3] [--seconds 5] [--dialect sqlite|postgres]
//       [--phases accept,latency] [--novel 0.1] [--latency-seconds 10] [--latency-rate N] [--drain-seconds 60]
//       [--connections 16] [--servers loop,store,alertmanager]
var options = BenchOptions.Parse(args);
const string LoopOn = "ours, loop running";
const string StoreOnly = "ours, store only (Inbox:Deliver=false)";
// The figures for Alertmanager 0.25 on this machine, used when it cannot be run here.
const double QuotedBatch1 = 6_200, QuotedBatch100 = 18_400;

Console.WriteLine($"# Ops ingest benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, Server GC: {GCSettings.IsServerGC}");
Console.WriteLine($"store: {options.Dialect}; {options.Connections} connections; medians of {options.Runs} runs of {options.RunLength.TotalSeconds:0.#} s; "
    + $"stream: unique label sets over {AlertStream.Products} products, {options.NovelFraction:P0} {AlertStream.NovelAlertName} (→ incident, page), "
    + $"{1 - options.NovelFraction:P0} {AlertStream.RemediableAlertName} (→ runbook run on p000..p0{AlertStream.RemediableProducts - 1})");
Console.WriteLine();

await using var receiver = await LoopbackReceiver.StartAsync();
var stream = new AlertStream(options.NovelFraction);
(string Key, string Value)[] loopSettings = [("Loop:CorrelationWindow", "00:00:01")];
var series = new List<AcceptSeries>();
string? alertmanagerVersion = null;
string? alertmanagerProblem = null;

if (options.Includes("accept"))
{
    Console.WriteLine("## Accept: closed loop, every connection posting back to back");
    foreach (var batch in options.Measures("loop") ? new[] { 1, 100 } : [])
    {
        // A fresh silo per batch size: the backlog one leaves does not slow the next. Measured alone: its loop keeps
        // working through the backlog after each run.
        await using var silo = await BenchSilo.StartAsync(options.Dialect, receiver.BaseUrl, loopSettings);
        using var load = new AcceptLoad(silo.BaseAddress, options.Connections);
        series.AddRange(await AcceptSeries.MeasureAsync([new AcceptTarget(LoopOn, load, Silo: silo, Receiver: receiver)], stream, batch, options.Runs, options.RunLength));
        PrintStore(silo);
    }

    // Storing only and Alertmanager side by side: their runs alternate, so both see the same moments of the machine.
    AlertmanagerProcess? alertmanager = null;
    if (options.Measures("alertmanager"))
    {
        (alertmanager, alertmanagerProblem) = await AlertmanagerProcess.TryStartAsync();
        alertmanagerVersion = alertmanager?.Version;
        if (alertmanager is null)
        {
            Console.WriteLine($"  Alertmanager not measured: {alertmanagerProblem}; comparing with the issue's figures");
        }
    }

    await using (alertmanager)
    {
        foreach (var batch in new[] { 1, 100 })
        {
            var targets = new List<AcceptTarget>();
            await using var silo = options.Measures("store") ? await BenchSilo.StartAsync(options.Dialect, receiver.BaseUrl, [.. loopSettings, ("Inbox:Deliver", "false")]) : null;
            using var ours = silo is null ? null : new AcceptLoad(silo.BaseAddress, options.Connections);
            using var theirs = alertmanager is null ? null : new AcceptLoad(alertmanager.BaseAddress, options.Connections);
            if (ours is not null)
            {
                targets.Add(new AcceptTarget(StoreOnly, ours, Silo: silo));
            }

            if (theirs is not null)
            {
                targets.Add(new AcceptTarget("Alertmanager", theirs, Pid: alertmanager!.Pid));
            }

            if (targets.Count > 0)
            {
                series.AddRange(await AcceptSeries.MeasureAsync(targets, stream, batch, options.Runs, options.RunLength));
            }

            if (silo is not null)
            {
                PrintStore(silo);
            }
        }
    }

    Console.WriteLine();
}

var latencies = new List<(string Basis, LatencyResult Result)>();
if (options.Includes("latency"))
{
    // Half the batch-1 accept rate: with the loop running (what it sustains) and, when measured, storing only (what
    // the durable inbox accepts); or the rate given.
    var rates = new List<(double Rate, string Basis)>();
    if (options.LatencyRate > 0)
    {
        rates.Add((options.LatencyRate, "--latency-rate"));
    }

    foreach (var (server, basis) in new[] { (LoopOn, "half the batch-1 accept rate with the loop running"), (StoreOnly, "half the batch-1 accept rate storing only") })
    {
        if (options.LatencyRate <= 0 && series.FirstOrDefault(s => s.Server == server && s.Batch == 1) is { } measured)
        {
            rates.Add((Math.Round(measured.AlertsPerSecond / 2), basis));
        }
    }

    if (rates.Count == 0)
    {
        throw new InvalidOperationException("The latency phase needs --latency-rate when the accept phase does not run.");
    }

    foreach (var (rate, basis) in rates)
    {
        Console.WriteLine($"## Latency: open loop at {rate:N0} alerts/s (batch 1, {basis}) for {options.LatencyLength.TotalSeconds:0.#} s");
        await using var silo = await BenchSilo.StartAsync(options.Dialect, receiver.BaseUrl, loopSettings);
        using var load = new AcceptLoad(silo.BaseAddress, options.Connections);
        await WarmUpAsync(silo, load);
        latencies.Add((basis, await LatencyPhase.RunAsync(silo, receiver, load, stream, rate, options.LatencyLength, options.DrainLimit)));
        PrintStore(silo);
        Console.WriteLine();
    }
}

Summary.Print(series, latencies, alertmanagerVersion, alertmanagerProblem, QuotedBatch1, QuotedBatch100, LoopOn, StoreOnly);
return 0;

static void PrintStore(BenchSilo silo)
{
    foreach (var line in silo.DescribeStore())
    {
        Console.WriteLine("    " + line);
    }
}

// A few alerts of each kind so that JIT, grain activations and connections are warm before the clock starts.
async Task WarmUpAsync(BenchSilo silo, AcceptLoad load)
{
    var first = stream.Reserve(AlertStream.Products * 2);
    await Task.WhenAll(Enumerable.Range(0, AlertStream.Products * 2).Select(i => load.PostAsync(stream.Body(first + i, 1))));
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (silo.InboxLag > 0 && DateTime.UtcNow < deadline)
    {
        await Task.Delay(100);
    }
}
