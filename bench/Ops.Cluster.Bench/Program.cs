using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Ops.Cluster.Bench;
using Ops.Runtime.Testing;

// Prints the cluster's figures on PostgreSQL (issue 4). Usage (see bench/README.md):
//   dotnet run -c Release --project bench/Ops.Cluster.Bench -- [failover|throughput|all] [--runs N] [--seconds S] [--timings short|default|both]
// Needs OPS_TEST_POSTGRES (scripts/start-test-postgres.sh prints one). Every silo runs in this process (TestCluster):
// 1 vs 3 silos share the same cores, so "3 silos" measures the cost of routing, not added capacity.
var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var runs = args.IntArg("--runs", 5);
var seconds = args.IntArg("--seconds", 3);
var timings = args.StringArg("--timings", "both");
var postgres = Environment.GetEnvironmentVariable(TestClusterOptions.PostgresEnvironmentVariable);
if (postgres is null)
{
    Console.Error.WriteLine("OPS_TEST_POSTGRES is not set: run scripts/start-test-postgres.sh and export what it prints.");
    return 2;
}

const int Partitions = 12;
var results = new List<(string Figure, string Value, string Note)>();
Console.WriteLine($"# Ops.Cluster benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, Server GC: {System.Runtime.GCSettings.IsServerGC}");
Console.WriteLine($"PostgreSQL, {Partitions} partitions, in-process silos; failover: median of {runs} runs; throughput/latency: median of 3 runs of {seconds} s");
Console.WriteLine();

if (scenario is "throughput" or "all")
{
    await ThroughputAsync();
}

if (scenario is "failover" or "all")
{
    if (timings is "short" or "both")
    {
        await FailoverAsync("short", TimeSpan.FromSeconds(3));
    }

    if (timings is "default" or "both")
    {
        await FailoverAsync("default", TimeSpan.FromSeconds(5));
    }
}

Console.WriteLine();
Console.WriteLine("| Figure | Median | Note |");
Console.WriteLine("|---|---|---|");
foreach (var (figure, value, note) in results)
{
    Console.WriteLine($"| {figure} | {value} | {note} |");
}

return 0;

// (a) + (c): kill the owner of a grain, time until a call to it succeeds through a survivor; count acknowledged
// increments lost across the kill (keys on every silo, incremented throughout by a background load).
async Task FailoverAsync(string name, TimeSpan ttl)
{
    var times = new List<double>();
    long lost = 0, acknowledged = 0, ambiguous = 0;
    for (var run = 0; run < runs; run++)
    {
        await using var cluster = await StartClusterAsync(3, name);
        var victim = cluster.Silos[0];
        var gateway = cluster.Silos[1];
        var key = KeyServedBy(cluster, victim, $"fo{run}", 0);
        var grain = gateway.GrainFactory.GetGrain<IClusterCounterGrain>(key);
        await grain.Increment();

        // Background load: 6 keys (2 per silo), each incremented in a loop through the surviving gateways.
        var keys = cluster.Silos.SelectMany((s, i) => new[] { KeyServedBy(cluster, s, $"ld{run}-{i}", 0), KeyServedBy(cluster, s, $"ld{run}-{i}", 1) }).ToArray();
        var acked = new long[keys.Length];
        var failed = new long[keys.Length];
        var stop = false;
        var load = keys.Select((k, i) => Task.Run(async () =>
        {
            var via = cluster.Silos[1 + (i % 2)].GrainFactory.GetGrain<IClusterCounterGrain>(k);
            while (!Volatile.Read(ref stop))
            {
                try
                {
                    await via.Increment();
                    acked[i]++;
                }
                catch (Exception)
                {
                    // Not acknowledged: it may or may not have been applied.
                    failed[i]++;
                    await Task.Delay(20);
                }
            }
        })).ToArray();
        await Task.Delay(500);

        var watch = Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);
        var killedAt = watch.Elapsed;
        while (true)
        {
            try
            {
                await grain.Increment();
                break;
            }
            catch (Exception) when (watch.Elapsed < ttl * 4)
            {
                await Task.Delay(20);
            }
        }

        var failover = watch.Elapsed - killedAt;
        times.Add(failover.TotalMilliseconds);
        await Task.Delay(500);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(load);
        for (var i = 0; i < keys.Length; i++)
        {
            var value = await gateway.GrainFactory.GetGrain<IClusterCounterGrain>(keys[i]).Get();
            acknowledged += acked[i];
            ambiguous += failed[i];
            lost += Math.Max(0, acked[i] - value);
        }

        Console.WriteLine($"failover ({name}, TTL {ttl.TotalSeconds:F0} s) run {run + 1}: {failover.TotalMilliseconds:F0} ms");
    }

    var median = Measure.Median(times);
    var goal = 2 * ttl.TotalMilliseconds;
    results.Add(($"failover after kill, {name} leases (TTL {ttl.TotalSeconds:F0} s)", $"{median:F0} ms", $"min {times.Min():F0}, max {times.Max():F0}; goal ≤ 2 × TTL = {goal:F0} ms: {(median <= goal ? "met" : "MISSED")}"));
    results.Add(($"acknowledged increments lost across the kill, {name} leases", lost.ToString(CultureInfo.InvariantCulture), $"of {acknowledged} acknowledged over {runs} runs ({ambiguous} calls failed, unacknowledged); goal 0: {(lost == 0 ? "met" : "MISSED")}"));
}

// (b): calls/s of the same client load through random gateways on 1 vs 3 silos; local vs forwarded call latency.
async Task ThroughputAsync()
{
    const int Workers = 16;
    const int Keys = 1000;
    var duration = TimeSpan.FromSeconds(seconds);
    foreach (var silos in new[] { 1, 3 })
    {
        await using var cluster = await StartClusterAsync(silos, "short");
        var factories = cluster.Silos.Select(s => s.GrainFactory).ToArray();
        for (var k = 0; k < Keys; k++)
        {
            await factories[k % factories.Length].GetGrain<IClusterCounterGrain>($"tp-{k}").Ping(0);
        }

        var perSecond = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            perSecond.Add(await Measure.ThroughputAsync(Workers, duration, (w, n) =>
                factories[Random.Shared.Next(factories.Length)].GetGrain<IClusterCounterGrain>($"tp-{Random.Shared.Next(Keys)}").Ping((int)n)));
        }

        results.Add(($"calls/s, {silos} silo(s), {Workers} workers, random gateway, {Keys} keys", $"{Measure.Median(perSecond):N0}", $"runs: {string.Join(", ", perSecond.Select(p => p.ToString("N0", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine($"throughput {silos} silo(s): {Measure.Median(perSecond):N0} calls/s");

        if (silos == 3)
        {
            var gateway = cluster.Silos[0];
            var local = gateway.GrainFactory.GetGrain<IClusterCounterGrain>(KeyServedBy(cluster, gateway, "lat-local", 0));
            var remote = gateway.GrainFactory.GetGrain<IClusterCounterGrain>(KeyServedBy(cluster, cluster.Silos[1], "lat-remote", 0));
            foreach (var (label, grain) in new[] { ("local", local), ("forwarded", remote) })
            {
                var p50 = new List<double>();
                var p99 = new List<double>();
                await Measure.LatencyAsync(1, TimeSpan.FromSeconds(1), (_, n) => grain.Ping((int)n));
                for (var run = 0; run < 3; run++)
                {
                    var (_, latencies) = await Measure.LatencyAsync(1, duration, (_, n) => grain.Ping((int)n));
                    p50.Add(Measure.Percentile(latencies, 50));
                    p99.Add(Measure.Percentile(latencies, 99));
                }

                var note = label == "forwarded"
                    ? $"goal p99 ≤ 2 ms on loopback: {(Measure.Median(p99) <= 2000 ? "met" : "MISSED")}; forwarded calls counted: {gateway.ForwardedCalls:N0}"
                    : "the gateway owns the grain";
                results.Add(($"{label} call latency (1 caller, sequential)", $"p50 {Measure.Median(p50):F0} µs, p99 {Measure.Median(p99):F0} µs", note));
                Console.WriteLine($"{label}: p50 {Measure.Median(p50):F0} µs, p99 {Measure.Median(p99):F0} µs");
            }
        }
    }
}

async Task<TestCluster> StartClusterAsync(int silos, string leases)
{
    var options = new TestClusterOptions
    {
        Storage = TestStorage.PostgreSql,
        PartitionCount = Partitions,
        ConfigureRuntime = runtime => runtime.AddGrain<ClusterCounterGrain>(),
    };
    if (leases == "short")
    {
        // The cluster tests' timings (tests/Ops.Cluster.Tests/ClusterFixture.cs).
        options.Configuration["Leases:Ttl"] = "00:00:03";
        options.Configuration["Leases:RenewInterval"] = "00:00:00.300";
        options.Configuration["Leases:SafetyMargin"] = "00:00:00.800";
    }
    else
    {
        // The production defaults (silo-config/appsettings.Cluster.json).
        options.Configuration["Leases:Ttl"] = "00:00:05";
        options.Configuration["Leases:RenewInterval"] = "00:00:01";
        options.Configuration["Leases:SafetyMargin"] = "00:00:01.500";
        options.Configuration["Leases:AcquireInterval"] = "00:00:01";
        options.Configuration["Cluster:RebalanceInterval"] = "00:00:02";
        options.Configuration["Cluster:MapRefreshInterval"] = "00:00:01";
        options.Configuration["Cluster:JoinTimeout"] = "00:00:10";
        options.Configuration["Cluster:DrainTimeout"] = "00:00:10";
    }

    var cluster = await TestCluster.StartAsync(options, silos);
    await cluster.WaitForStableOwnershipAsync(TimeSpan.FromSeconds(60));
    return cluster;
}

static string KeyServedBy(TestCluster cluster, TestSilo silo, string prefix, int skip)
{
    for (var i = 0; i < 10_000; i++)
    {
        var key = $"{prefix}-{i}";
        if (cluster.ServingSilo(silo.GrainFactory.GetGrainId<IClusterCounterGrain>(key)) == silo && skip-- == 0)
        {
            return key;
        }
    }

    throw new InvalidOperationException($"No key with prefix {prefix} lands on {silo}.");
}
