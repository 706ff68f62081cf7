using Ops.Runtime.Storage;

namespace Ops.Runtime.Cluster;

/// <summary>What one silo should do in one rebalance round.</summary>
/// <param name="LiveSilos">S: live silos (this one included).</param>
/// <param name="Low">⌊N/S⌋.</param>
/// <param name="High">⌈N/S⌉.</param>
/// <param name="Acquire">Free partitions (unowned or expired) to try to acquire, in the order to try them.</param>
/// <param name="HandOff">
/// How many partitions to hand off: this silo's surplus over ⌈N/S⌉ while other live silos are below ⌈N/S⌉ (at most
/// their deficit and <see cref="Rebalancer.MaxHandOffsPerRound"/>), or one when it holds more than ⌊N/S⌋ while
/// another is below ⌊N/S⌋ and nothing is free; 0 when balanced.
/// </param>
internal sealed record RebalancePlan(int LiveSilos, int Low, int High, IReadOnlyList<int> Acquire, int HandOff)
{
    /// <summary>Whether this silo holds more than its share.</summary>
    public bool Surplus => HandOff > 0;
}

/// <summary>
/// The sharing rule (runtime_design §3.9), a pure function of one database snapshot: with S live silos and N
/// partitions every silo converges to ⌊N/S⌋ or ⌈N/S⌉. A silo under ⌈N/S⌉ acquires free partitions only (never a
/// live lease); a silo over ⌈N/S⌉ hands its surplus off (a few partitions per round, no more than the others
/// lack), and one over ⌊N/S⌋ while another is under ⌊N/S⌋ and nothing is free hands one off; a free partition nobody under quota will take is taken by the least loaded silo, so a
/// partition is never left unserved for long: the silos that are certainly up share such orphans out.
/// </summary>
internal static class Rebalancer
{
    /// <summary>The most partitions one silo hands off in one round (drained in parallel).</summary>
    public const int MaxHandOffsPerRound = 4;

    public static RebalancePlan Plan(ClusterSnapshot snapshot, Guid self, IReadOnlySet<int> held, TimeSpan liveWithin, Random random)
    {
        var n = snapshot.Partitions.Count;
        var live = snapshot.Silos.Where(s => snapshot.IsLive(s, liveWithin)).Select(s => s.SiloId).ToHashSet();
        live.Add(self);
        var s = live.Count;
        var high = (n + s - 1) / s;
        var low = n / s;

        // Partitions per live silo, from live leases (this silo's from what it holds itself).
        var counts = live.ToDictionary(id => id, _ => 0);
        var free = new List<int>();
        foreach (var partition in snapshot.Partitions)
        {
            if (held.Contains(partition.PartitionId))
            {
                continue;
            }

            if (partition.OwnerSilo is { } owner && partition.LeaseRemaining > TimeSpan.Zero)
            {
                if (owner != self && counts.ContainsKey(owner))
                {
                    counts[owner]++;
                }
            }
            else
            {
                free.Add(partition.PartitionId);
            }
        }

        var mine = held.Count;
        counts[self] = mine;
        var others = counts.Where(c => c.Key != self).Select(c => c.Value).ToList();

        var budget = Math.Max(0, high - mine);

        // Silos under quota that will take free partitions: a silo that has not sent a heartbeat for half the
        // liveness window is probably the one that crashed and left them (its leases expired about when its heartbeat
        // stopped), even if it still counts as live for a moment.
        var heartbeats = snapshot.Silos.ToDictionary(silo => silo.SiloId, snapshot.HeartbeatAge);
        var active = counts.Where(c => c.Key == self || (heartbeats.TryGetValue(c.Key, out var age) && age <= liveWithin / 2))
            .ToDictionary(c => c.Key, c => c.Value);
        var takers = active.Count(c => c.Key != self && c.Value < high);
        if (budget == 0 && free.Count > 0 && takers == 0)
        {
            // Nobody under quota will take these: the silos that are certainly up share them out now (random order,
            // so they mostly try different ones; the database lets one win each); later rounds hand any surplus off.
            budget = (free.Count + active.Count - 1) / active.Count;
        }

        Shuffle(free, random);
        var acquire = free.Take(budget).ToList();

        var deficit = others.Sum(c => Math.Max(0, high - c));
        var handOff = mine > high && deficit > 0
            ? Math.Min(Math.Min(mine - high, deficit), MaxHandOffsPerRound)
            : mine > low && free.Count == 0 && others.Any(c => c < low) ? 1 : 0;
        return new RebalancePlan(s, low, high, acquire, handOff);
    }

    private static void Shuffle(List<int> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
