using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Ops.Silo.Testing;
using Xunit.Abstractions;

namespace Ops.EndToEnd.Tests.Cluster;

/// <summary>
/// Three real <c>Ops.Silo</c> processes on one PostgreSQL database (issue 4, item 5): generic signals are sent through
/// all three gateways while one silo is killed with SIGKILL and then restarted. The database is the oracle: every
/// signal answered 202 is in <c>rt_inbox</c> exactly once, and every inbox record is applied (each recipient's cursor
/// reaches it, nothing parked). Requests that failed without a clean answer (connection reset, or a 503 from a
/// gateway whose owner died mid-append: "may or may not be stored") are retried and may legitimately be stored
/// twice; every other signal exactly once.
/// </summary>
public sealed class SiloProcessKillTests(ITestOutputHelper output)
{
    private const int SignalCount = 300;
    private const int KillAfter = 100;
    private const int Workers = 6;
    private const int Victim = 1;
    private static readonly string[] Products = ["alpha", "beta", "gamma", "delta"];

    [SkippableFact]
    public async Task Killing_a_silo_process_under_signal_load_loses_and_duplicates_no_accepted_signal()
    {
        await using var run = await ClusterRun.StartAsync("ops-mpkill-", Portfolio, output);
        var (cluster, world, total) = (run.Cluster, run.World, run.Total);
        try
        {
            // Load: signal i goes first to gateway i % 3 (ClusterSignals.SendUntilAcceptedAsync: retries, ambiguity).
            var accepted = new ConcurrentDictionary<int, string>();
            var ambiguous = new ConcurrentDictionary<int, byte>();
            var counts = new SendCounts();
            var next = -1;
            var killing = run.KillWhenAcceptedAsync(Victim, () => accepted.Count, KillAfter);

            var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < SignalCount)
                {
                    var body = JsonSerializer.Serialize(new
                    {
                        product = Products[i % Products.Length],
                        name = $"Sig{i}",
                        severity = "warning",
                        labels = new Dictionary<string, string> { ["n"] = i.ToString(CultureInfo.InvariantCulture) },
                    });
                    accepted[i] = await ClusterSignals.SendUntilAcceptedAsync(cluster, i, body, ambiguous, counts);
                }
            })).ToArray();

            await Task.WhenAll(workers);
            await killing;
            output.WriteLine($"{accepted.Count} signals accepted after {total.ElapsedMilliseconds} ms ({counts.Retries} retries, {ambiguous.Count} ambiguous, {counts.ServerErrors} 503/504)");
            Assert.Equal(SignalCount, accepted.Count);

            await run.RestartAsync(Victim);

            // The oracle: the database.
            await using var connection = new NpgsqlConnection(run.ConnectionString);
            await connection.OpenAsync();
            var stored = await ClusterSignals.StoredAsync(connection, cluster.ClusterId, "n");
            var byId = stored.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (n, id) in accepted)
            {
                Assert.True(byId.TryGetValue(id, out var copies) && copies == 1, $"signal {n} (id {id}) is in the inbox {byId.GetValueOrDefault(id)} times");
            }

            var byN = stored.GroupBy(s => s.Label ?? "").ToDictionary(g => g.Key, g => g.Count());
            for (var n = 0; n < SignalCount; n++)
            {
                var copies = byN.GetValueOrDefault(n.ToString(CultureInfo.InvariantCulture));
                Assert.True(copies == 1 || (ambiguous.ContainsKey(n) && copies == 2), $"signal {n} is in the inbox {copies} times (ambiguous: {ambiguous.ContainsKey(n)})");
            }

            // Everything appended is applied, on the survivors or the restarted silo, and nothing was parked.
            var unapplied = await ClusterDatabase.WaitAllAppliedAsync(connection, cluster.ClusterId, TimeSpan.FromSeconds(30));
            output.WriteLine($"inbox applied ({unapplied} left) after {total.ElapsedMilliseconds} ms; {world.All.Count} pages received");
            Assert.Equal(0, unapplied);
            Assert.Equal(0, await ClusterDatabase.ParkedAsync(connection, cluster.ClusterId));
            Assert.Equal(Products.Length, await ClusterDatabase.ScalarAsync(connection, "SELECT count(DISTINCT grain_key) FROM rt_inbox WHERE cluster_id = @cluster AND kind = 'signal'", cluster.ClusterId));
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }

    /// <summary>One builder and tier paging the loopback world; four products; no runbooks (every signal is novel).</summary>
    private static Portfolio Portfolio(string world) => new(
        People: $$"""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: kill-team }
            spec:
              capacity: 4
              channels:
                - { kind: webhook, url: "{{world}}/notify/kill-team" }
            ---
            {{CatalogYaml.DefaultTier(world)}}
            """,
        Products: string.Join("---\n", Products.Select(p => $$"""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: {{p}} }
            spec: { owner: kill-team, tier: 2, value: 1000 }

            """)),
        Runbooks: "");
}
