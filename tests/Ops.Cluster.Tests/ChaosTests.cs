using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Ops.Cluster.Tests;

/// <summary>Kill, restart and pause silos while clients write (T17, without a trigger oracle).</summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Under_kills_and_pauses_no_acknowledged_increment_is_lost_and_none_appears_from_nowhere()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe, configure: o => o.Configuration["Messaging:ResponseTimeout"] = "00:00:04");
        const int grains = 10;
        var acknowledged = new ConcurrentDictionary<string, int>();
        var attempted = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                var key = $"chaos-{random.Next(grains)}";
                var gateways = cluster.Silos.Where(s => s.IsRunning && !s.IsPaused).ToList();
                if (gateways.Count == 0)
                {
                    await Task.Delay(20);
                    continue;
                }

                attempted.AddOrUpdate(key, 1, (_, v) => v + 1);
                try
                {
                    await gateways[random.Next(gateways.Count)].GrainFactory.GetGrain<ICounterGrain>(key).Increment();
                    acknowledged.AddOrUpdate(key, 1, (_, v) => v + 1);
                }
                catch (Exception exception)
                {
                    failures.Add(exception.GetType().Name);
                }

                await Task.Delay(5);
            }
        })).ToList();

        await Task.Delay(800);
        var killed = cluster.Silos[0];
        await cluster.KillSiloAsync(killed);
        await Task.Delay(1500);
        await cluster.RestartSiloAsync(killed);
        var paused = cluster.Silos.First(s => s.IsRunning && s != cluster.Silos[^1]);
        cluster.PauseSilo(paused);
        await Task.Delay(Clusters.Ttl + TimeSpan.FromSeconds(1));
        cluster.ResumeSilo(paused);
        await cluster.WaitForStableOwnershipAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        output.WriteLine($"{acknowledged.Values.Sum()} acknowledged of {attempted.Values.Sum()} attempted; failures: {string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Key} x{g.Count()}"))}");

        var gateway = cluster.Silos.First(s => s.IsRunning).GrainFactory;
        foreach (var (key, tried) in attempted)
        {
            var value = await gateway.GetGrain<ICounterGrain>(key).Get();
            var acked = acknowledged.GetValueOrDefault(key);
            Assert.True(value >= acked && value <= tried, $"{key}: stored {value}, acknowledged {acked}, attempted {tried}");
            Assert.Single(cluster.FindActivations(gateway.GetGrainId<ICounterGrain>(key)));
        }

        Assert.True(acknowledged.Values.Sum() > 100, "too few calls succeeded");
    }
}
