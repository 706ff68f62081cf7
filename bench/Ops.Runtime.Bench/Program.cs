using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime;
using Ops.Runtime.Bench;
using Ops.Runtime.Testing;

// Prints the runtime's figures. Usage (see bench/README.md):
//   dotnet run -c Release --project bench/Ops.Runtime.Bench -- [calls|activations|writes|inbox|all] [--runs N] [--seconds S]
// PostgreSQL figures need OPS_TEST_POSTGRES (scripts/start-test-postgres.sh prints one); without it they are skipped.
var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var runs = args.IntArg("--runs", 5);
var seconds = args.IntArg("--seconds", 2);
var duration = TimeSpan.FromSeconds(seconds);
var postgres = Environment.GetEnvironmentVariable(TestClusterOptions.PostgresEnvironmentVariable);
var dialect = args.StringArg("--dialect", "both");
var sqlite = dialect is "both" or "sqlite";
if (dialect is "sqlite")
{
    postgres = null;
}
var results = new List<(string Figure, string Value, string Note)>();

Console.WriteLine($"# Ops.Runtime benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, Server GC: {System.Runtime.GCSettings.IsServerGC}");
Console.WriteLine($"medians of {runs} runs of {seconds} s each (scenario: {scenario})");
Console.WriteLine();

if (scenario is "calls" or "all")
{
    await CallsAsync();
}

if (scenario is "activations" or "all")
{
    await ActivationsAsync();
}

if (scenario is "writes" or "all")
{
    if (sqlite)
    {
        await WritesAsync(TestStorage.Sqlite);
    }

    if (postgres is not null)
    {
        await WritesAsync(TestStorage.PostgreSql);
    }
    else
    {
        Console.WriteLine("(PostgreSQL write figures skipped: OPS_TEST_POSTGRES is not set)");
    }
}

if (scenario is "inbox" or "inbox-e2e" or "all")
{
    if (sqlite)
    {
        await InboxAsync(TestStorage.Sqlite);
    }

    if (postgres is not null)
    {
        await InboxAsync(TestStorage.PostgreSql);
    }
    else
    {
        Console.WriteLine("(PostgreSQL inbox figures skipped: OPS_TEST_POSTGRES is not set)");
    }
}

Console.WriteLine();
Console.WriteLine("| figure | value | note |");
Console.WriteLine("| --- | ---: | --- |");
foreach (var (figure, value, note) in results)
{
    Console.WriteLine($"| {figure} | {value} | {note} |");
}

return 0;

async Task CallsAsync()
{
    await using var cluster = await StartClusterAsync(TestStorage.Sqlite);
    var factory = cluster.GrainFactory;
    var hot = factory.GetGrain<IPingGrain>(0);
    var grains = Enumerable.Range(0, 1000).Select(i => factory.GetGrain<IPingGrain>(i)).ToArray();
    var silo = cluster.Primary.Services.GetRequiredService<Silo>();
    var ping = silo.Registry.GetInterface(typeof(IPingGrain)).GetMethod(typeof(IPingGrain).GetMethod(nameof(IPingGrain.Ping))!);
    var handWritten = new HandWrittenPingProxy(ping, silo.Sender, silo.Registry.GetInterface(typeof(IPingGrain)).GrainClass, hot.GetGrainId());
    foreach (var grain in grains)
    {
        await grain.Ping(0);
    }

    // Warm-up (JIT tiers, thread pool).
    await Measure.ThroughputAsync(8, TimeSpan.FromSeconds(1), (w, n) => hot.Ping((int)n));

    var hotRuns = new List<double>();
    var spreadRuns = new List<double>();
    var handRuns = new List<double>();
    var proxyRuns = new List<double>();
    var p50 = new List<double>();
    var p99 = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        hotRuns.Add(await Measure.ThroughputAsync(8, duration, (w, n) => hot.Ping((int)n)));
        spreadRuns.Add(await Measure.ThroughputAsync(8, duration, (w, n) => grains[(int)((n * 8) + w) % grains.Length].Ping((int)n)));
        proxyRuns.Add(await Measure.ThroughputAsync(1, duration, (w, n) => hot.Ping((int)n)));
        handRuns.Add(await Measure.ThroughputAsync(1, duration, (w, n) => handWritten.Ping((int)n)));
        var (_, latencies) = await Measure.LatencyAsync(1, duration, (w, n) => hot.Ping((int)n));
        p50.Add(Measure.Percentile(latencies, 50));
        p99.Add(Measure.Percentile(latencies, 99));
    }

    Report("local calls/s, one hot grain, 8 concurrent callers", Rate(hotRuns), "target ≥ 1,000,000");
    Report("local calls/s, 1,000 grains, 8 concurrent callers", Rate(spreadRuns), "target ≥ 1,000,000");
    Report("local call latency p50 / p99 (1 caller, µs)", $"{Measure.Median(p50):F1} / {Measure.Median(p99):F1}", "sequential calls to a warm grain");
    Report("1 caller calls/s: DispatchProxy / hand-written typed proxy", $"{Measure.Median(proxyRuns):N0} / {Measure.Median(handRuns):N0}", $"a source generator would gain at most {((Measure.Median(handRuns) / Measure.Median(proxyRuns)) - 1) * 100:F0}%");
}

async Task ActivationsAsync()
{
    const int count = 100_000;
    await using var cluster = await StartClusterAsync(TestStorage.Sqlite);
    var factory = cluster.GrainFactory;
    var silo = cluster.Primary.Services.GetRequiredService<Silo>();
    await factory.GetGrain<IPingGrain>(-1).Ping(0);
    var baseline = FullGcMemory();
    var stopwatch = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            await factory.GetGrain<IPingGrain>(i).Ping(i);
        }
    })));
    var elapsed = stopwatch.Elapsed;
    var after = FullGcMemory();
    var perActivation = (after - baseline) / (double)count;
    const int grainInstance = 24; // object header + the grain's context reference
    var keyString = 20 + (2 * 5) + 2; // a 5-digit decimal key ("12345") as a .NET string
    Report("activations/s (100,000 grains, 8 callers)", $"{count / elapsed.TotalSeconds:N0}", $"{elapsed.TotalSeconds:F2} s in all; {silo.Catalog.Count:N0} activations resident");
    Report("memory per idle activation (bytes, full-GC delta)", $"{perActivation:N0}", $"of which grain instance {grainInstance} B and key string ~{keyString} B; runtime overhead ≈ {perActivation - grainInstance - keyString:N0} B (target ≤ 1,024)");
    GC.KeepAlive(factory);
}

async Task WritesAsync(TestStorage storage)
{
    await using var cluster = await StartClusterAsync(storage);
    var factory = cluster.GrainFactory;
    for (var i = 0; i < 16; i++)
    {
        await factory.GetGrain<IWriterGrain>(i).Write();
    }

    var one = new List<double>();
    var sixteen = new List<double>();
    var p99 = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        one.Add(await Measure.ThroughputAsync(1, duration, (w, n) => factory.GetGrain<IWriterGrain>(0).Write()));
        var (rate, latencies) = await Measure.LatencyAsync(16, duration, (w, n) => factory.GetGrain<IWriterGrain>(w).Write());
        sixteen.Add(rate);
        p99.Add(Measure.Percentile(latencies, 99));
    }

    var name = storage == TestStorage.Sqlite ? "SQLite" : "PostgreSQL";
    Report($"fenced state writes/s, {name}, 1 writer", Rate(one), "each write: fence check + conditional update, durable");
    Report($"fenced state writes/s, {name}, 16 concurrent writers", Rate(sixteen), $"p99 {Measure.Median(p99) / 1000:F1} ms");
}

async Task InboxAsync(TestStorage storage)
{
    var name = storage == TestStorage.Sqlite ? $"SQLite (synchronous={args.StringArg("--sqlite-sync", "Full")})" : "PostgreSQL";
    var target = storage == TestStorage.Sqlite ? "target ≥ 50,000/s" : "target ≥ 20,000/s";

    // Appends alone: records are stored (group commit) but not delivered.
    if (scenario != "inbox-e2e")
    {
    var synchronous = args.StringArg("--sqlite-sync", "Full");
    await using (var cluster = await StartClusterAsync(storage, o =>
    {
        o.Configuration["Inbox:Deliver"] = "false";
        o.ConfigureSqlite = s => s.Synchronous = Enum.Parse<Ops.Runtime.AdoNet.SqliteSynchronousMode>(synchronous);
    }))
    {
        var factory = cluster.GrainFactory;
        var inbox = cluster.Primary.Inbox;
        var recipients = Enumerable.Range(0, 1000).Select(i => factory.GetGrainId<IRecipientGrain>(i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var payload = new byte[200];
        await Measure.ThroughputAsync(16, TimeSpan.FromSeconds(1), (w, n) => inbox.AppendAsync(recipients[(int)(((n * 16) + w) % 1000)], "bench", payload).AsTask());
        var rates = new List<double>();
        var p50 = new List<double>();
        var p99 = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var (rate, latencies) = await Measure.LatencyAsync(16, duration, (w, n) => inbox.AppendAsync(recipients[(int)(((n * 16) + w) % 1000)], "bench", payload).AsTask());
            rates.Add(rate);
            p50.Add(Measure.Percentile(latencies, 50));
            p99.Add(Measure.Percentile(latencies, 99));
        }

        Report($"durable inbox appends/s, {name}, 16 appenders, 1 append in flight each", Rate(rates), $"{target}; p50 {Measure.Median(p50) / 1000:F2} ms, p99 {Measure.Median(p99) / 1000:F2} ms (target ≤ 20 ms)");

        // The same appenders with several appends in flight each (as a gateway serving many requests has): the
        // group-commit batch grows with what is waiting, latency with the window.
        foreach (var window in new[] { 4, 8, 16, 32 })
        {
            rates.Clear();
            p50.Clear();
            p99.Clear();
            for (var run = 0; run < runs; run++)
            {
                var (rate, latencies) = await Measure.LatencyAsync(16 * window, duration, (w, n) => inbox.AppendAsync(recipients[(int)(((n * 16 * window) + w) % 1000)], "bench", payload).AsTask());
                rates.Add(rate);
                p50.Add(Measure.Percentile(latencies, 50));
                p99.Add(Measure.Percentile(latencies, 99));
            }

            Report($"durable inbox appends/s, {name}, 16 appenders × {window} in flight", Rate(rates), $"{target}; p50 {Measure.Median(p50) / 1000:F2} ms, p99 {Measure.Median(p99) / 1000:F2} ms (target ≤ 20 ms)");
        }
    }
    }

    // End to end: appends while the records are delivered and applied (one fenced state write per record).
    await using (var cluster = await StartClusterAsync(storage))
    {
        var factory = cluster.GrainFactory;
        var inbox = cluster.Primary.Inbox;
        var recipients = Enumerable.Range(0, 1000).Select(i => factory.GetGrainId<IRecipientGrain>(i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var payload = new byte[200];
        long appended = 0;
        var stopwatch = Stopwatch.StartNew();
        // Long enough that activating the 1,000 recipients (a state and a cursor read each) does not dominate.
        var rate = await Measure.ThroughputAsync(16, TimeSpan.FromSeconds(Math.Max(20, seconds * 5)), async (w, n) =>
        {
            await inbox.AppendAsync(recipients[(int)(((n * 16) + w) % 1000)], "bench", payload);
            Interlocked.Increment(ref appended);
        });
        long applied;
        do
        {
            await Task.Delay(100);
            applied = 0;
            foreach (var id in recipients)
            {
                applied += await factory.GetGrain<IRecipientGrain>(id.Key).Applied();
            }
        }
        while (applied < appended && stopwatch.Elapsed < TimeSpan.FromMinutes(5));

        Report($"inbox end to end, {name}: appends/s while applying / applied records/s", $"{rate:N0} / {applied / stopwatch.Elapsed.TotalSeconds:N0}", $"{applied:N0} records applied exactly once, one fenced state write each");
    }
}

async Task<TestCluster> StartClusterAsync(TestStorage storage, Action<TestClusterOptions>? configure = null)
{
    var options = new TestClusterOptions
    {
        Storage = storage,
        PartitionCount = 64,
        ConfigureRuntime = runtime => runtime.AddGrain<PingGrain>().AddGrain<WriterGrain>().AddGrain<RecipientGrain>(),
    };

    // Production settings, not the test profile's fast ones.
    options.Configuration["Inbox:CommitInterval"] = "00:00:02";
    options.Configuration["Inbox:RetryBackoff"] = "00:00:01";
    options.Configuration["Inbox:MaxRetryBackoff"] = "00:01:00";
    options.Configuration["Reminders:PollInterval"] = "00:00:05";
    options.Configuration["Leases:Ttl"] = "00:00:15";
    options.Configuration["Leases:RenewInterval"] = "00:00:03";
    options.Configuration["Leases:SafetyMargin"] = "00:00:03";
    options.Configuration["Leases:StartupTimeout"] = "00:00:30";
    configure?.Invoke(options);
    return await TestCluster.StartAsync(options);
}

void Report(string figure, string value, string note)
{
    results.Add((figure, value, note));
    Console.WriteLine($"{figure}: {value}  ({note})");
}

static string Rate(IEnumerable<double> runs) => $"{Measure.Median(runs):N0}";

static long FullGcMemory()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    return GC.GetTotalMemory(forceFullCollection: true);
}
