using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Ops.Cluster.Tests;

/// <summary>Kill, restart and pause silos while clients increment with unique request ids (T17), checked against the database's write history.</summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Under_kills_and_pauses_no_acknowledged_increment_is_lost_and_none_appears_from_nowhere()
    {
        var probe = new Probe();
        var connectionString = await Clusters.InstallWriteHistoryAsync();
        var clusterId = WriteHistory.NewClusterId();
        await using var cluster = await Clusters.StartAsync(probe, configure: o =>
        {
            o.ClusterId = clusterId;
            o.Configuration["Messaging:ResponseTimeout"] = "00:00:04";
        });
        const int grains = 10;
        var acknowledged = new ConcurrentDictionary<string, int>();
        var acknowledgedRequests = new ConcurrentDictionary<string, byte>();
        var attempted = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var sent = 0;
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
                    var request = $"w{w}-{sent++}";
                    await gateways[random.Next(gateways.Count)].GrainFactory.GetGrain<ICounterGrain>(key).IncrementFor(request);
                    acknowledged.AddOrUpdate(key, 1, (_, v) => v + 1);
                    acknowledgedRequests[request] = 0;
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

        // The database's history of committed writes and lease changes (the triggers of WriteHistory).
        var (violations, writes, leaseChanges) = await WriteHistory.CheckAsync(connectionString, clusterId);
        output.WriteLine($"history: {writes} committed state writes, {leaseChanges} lease owner/epoch changes, {violations.Count} violations");
        Assert.Empty(violations);
        Assert.True(leaseChanges > Clusters.Partitions, "the kill and the pause moved no partition");

        // Each request id is in at most one committed version (none applied twice), and every acknowledged one is
        // in exactly one (none lost).
        var committedRequests = await WriteHistory.CommittedValuesAsync(connectionString, clusterId, "request");
        Assert.Empty(committedRequests.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(acknowledgedRequests.Keys.Except(committedRequests));

        // Every committed version of a counter holds the value of that many increments: no increment was applied
        // twice or skipped between two writes, whichever silo wrote it.
        foreach (var (key, (version, payload)) in await WriteHistory.LastWritesAsync(connectionString, clusterId, "counter"))
        {
            Assert.Equal(version, System.Text.Json.JsonDocument.Parse(payload!).RootElement.GetProperty("value").GetInt64());
            Assert.Equal(version, await gateway.GetGrain<ICounterGrain>(key).Get());
        }
    }

    [SkippableFact]
    public async Task The_write_history_oracle_detects_a_duplicate_version_a_backwards_epoch_a_foreign_epoch_and_two_owners()
    {
        // The negative control: a history made by hand with one violation of each kind must be reported.
        var connectionString = await Clusters.InstallWriteHistoryAsync();
        var clusterId = WriteHistory.NewClusterId();
        await using (var connection = new Npgsql.NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("""
                INSERT INTO test_lease_history (cluster_id, partition_id, owner_silo, epoch) VALUES
                  (@c, 0, '00000000-0000-0000-0000-00000000000a', 1),
                  (@c, 0, '00000000-0000-0000-0000-00000000000b', 2),
                  (@c, 0, '00000000-0000-0000-0000-00000000000c', 2);
                INSERT INTO test_state_history (cluster_id, grain_type, grain_key, state_name, partition_id, version, written_epoch) VALUES
                  (@c, 't', 'dup', 's', 0, 1, 1), (@c, 't', 'dup', 's', 0, 1, 1),
                  (@c, 't', 'back', 's', 0, 1, 2), (@c, 't', 'back', 's', 0, 2, 1),
                  (@c, 't', 'foreign', 's', 0, 1, 7),
                  (@c, 't', 'fine', 's', 0, 1, 1), (@c, 't', 'fine', 's', 0, 2, 2);
                """, connection);
            command.Parameters.AddWithValue("c", clusterId);
            await command.ExecuteNonQueryAsync();
        }

        var (violations, _, _) = await WriteHistory.CheckAsync(connectionString, clusterId);

        output.WriteLine(string.Join(Environment.NewLine, violations));
        Assert.Contains(violations, v => v.StartsWith("versions not 1..n each once: t/dup", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("epoch went backwards: t/back", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("write under an epoch no lease had: t/foreign", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("two owners under one epoch: partition 0 epoch 2", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains("t/fine", StringComparison.Ordinal));
    }
}
