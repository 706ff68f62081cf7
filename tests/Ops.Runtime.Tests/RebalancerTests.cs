using Ops.Runtime.Cluster;
using Ops.Runtime.Storage;

namespace Ops.Runtime.Tests;

/// <summary>The sharing rule on hand-made snapshots (no database): quotas, free partitions only, hand-off, orphans.</summary>
public sealed class RebalancerTests
{
    private static readonly Guid A = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = new("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = new("00000000-0000-0000-0000-00000000000c");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(3);

    [Fact]
    public void A_newcomer_in_a_full_cluster_acquires_nothing_and_the_holder_of_everything_hands_off()
    {
        var snapshot = Snapshot([A, B, C], Enumerable.Repeat<Guid?>(A, 12).ToArray());

        var newcomer = Rebalancer.Plan(snapshot, B, new HashSet<int>(), LiveWithin, new Random(1));
        var holder = Rebalancer.Plan(snapshot, A, Enumerable.Range(0, 12).ToHashSet(), LiveWithin, new Random(1));

        Assert.Equal((3, 4, 4), (newcomer.LiveSilos, newcomer.Low, newcomer.High));
        Assert.Empty(newcomer.Acquire);
        Assert.False(newcomer.Surplus);
        Assert.Equal(Rebalancer.MaxHandOffsPerRound, holder.HandOff);

        // Never more than the others lack: with B already at 4, A (8) may give C at most 4.
        Guid?[] half = [A, A, A, A, A, A, A, A, B, B, B, B];
        Assert.Equal(4, Rebalancer.Plan(Snapshot([A, B, C], half), A, Enumerable.Range(0, 8).ToHashSet(), LiveWithin, new Random(1)).HandOff);
        Guid?[] almost = [A, A, A, A, A, B, B, B, B, C, C, C];
        Assert.Equal(1, Rebalancer.Plan(Snapshot([A, B, C], almost), A, Enumerable.Range(0, 5).ToHashSet(), LiveWithin, new Random(1)).HandOff);
    }

    [Fact]
    public void A_silo_below_its_share_acquires_only_free_or_expired_partitions_up_to_the_share()
    {
        // 0-3 held by B (live), 4-5 by A (live leases), 6-7 expired (a crashed silo), 8-11 never owned.
        Guid?[] owners = [B, B, B, B, A, A, C, C, null, null, null, null];
        var snapshot = Snapshot([A, B], owners, expired: [6, 7], stale: [C]);

        var plan = Rebalancer.Plan(snapshot, A, new HashSet<int> { 4, 5 }, LiveWithin, new Random(1));

        Assert.Equal((2, 6, 6), (plan.LiveSilos, plan.Low, plan.High));
        Assert.Equal(4, plan.Acquire.Count);
        Assert.All(plan.Acquire, p => Assert.Contains(p, new[] { 6, 7, 8, 9, 10, 11 }));
    }

    [Fact]
    public void A_balanced_cluster_does_nothing()
    {
        Guid?[] owners = [A, A, A, A, B, B, B, B, C, C, C, C];
        var snapshot = Snapshot([A, B, C], owners);

        foreach (var silo in new[] { A, B, C })
        {
            var held = Enumerable.Range(0, 12).Where(p => owners[p] == silo).ToHashSet();
            var plan = Rebalancer.Plan(snapshot, silo, held, LiveWithin, new Random(1));
            Assert.Empty(plan.Acquire);
            Assert.False(plan.Surplus);
        }
    }

    [Fact]
    public void Uneven_shares_converge_without_a_hand_off_between_floor_and_ceiling()
    {
        // N = 10 over 4 silos: shares 2 or 3. 3/3/2/2 is converged; 3/3/3/1 is not (1 < ⌊10/4⌋).
        var d = new Guid("00000000-0000-0000-0000-00000000000d");
        Guid?[] converged = [A, A, A, B, B, B, C, C, d, d];
        Guid?[] skewed = [A, A, A, B, B, B, C, C, C, d];

        Assert.False(Rebalancer.Plan(Snapshot([A, B, C, d], converged), A, new HashSet<int> { 0, 1, 2 }, LiveWithin, new Random(1)).Surplus);
        Assert.Equal(1, Rebalancer.Plan(Snapshot([A, B, C, d], skewed), C, new HashSet<int> { 6, 7, 8 }, LiveWithin, new Random(1)).HandOff);
    }

    [Fact]
    public void Free_partitions_nobody_under_quota_will_take_are_shared_out_by_the_silos_that_are_up()
    {
        // C crashed: its leases expired but its last heartbeat (2 s ago) still counts it live, so A and B are at ⌈12/3⌉.
        Guid?[] owners = [A, A, A, A, B, B, B, B, C, C, C, C];
        var snapshot = Snapshot([A, B], owners, expired: [8, 9, 10, 11], aging: [C]);

        var a = Rebalancer.Plan(snapshot, A, new HashSet<int> { 0, 1, 2, 3 }, LiveWithin, new Random(1));
        var b = Rebalancer.Plan(snapshot, B, new HashSet<int> { 4, 5, 6, 7 }, LiveWithin, new Random(1));

        Assert.Equal(3, a.LiveSilos);
        Assert.Equal(2, a.Acquire.Count);
        Assert.Equal(2, b.Acquire.Count);

        // A newcomer (fresh heartbeat, nothing held) is a taker: nobody else grabs what it should get.
        var newcomer = Snapshot([A, B, C], owners, expired: [8, 9, 10, 11]);
        Assert.Empty(Rebalancer.Plan(newcomer, A, new HashSet<int> { 0, 1, 2, 3 }, LiveWithin, new Random(1)).Acquire);
        Assert.Equal(4, Rebalancer.Plan(newcomer, C, new HashSet<int>(), LiveWithin, new Random(1)).Acquire.Count);
    }

    private static ClusterSnapshot Snapshot(Guid[] live, Guid?[] owners, int[]? expired = null, Guid[]? stale = null, Guid[]? aging = null)
    {
        var silos = live.Select(id => Silo(id, Now))
            .Concat((stale ?? []).Select(id => Silo(id, Now - TimeSpan.FromSeconds(10))))
            .Concat((aging ?? []).Select(id => Silo(id, Now - TimeSpan.FromSeconds(2))))
            .ToList();
        var partitions = owners.Select((owner, p) => new PartitionRecord(
            p,
            owner,
            1,
            owner is null || (expired ?? []).Contains(p) ? TimeSpan.FromSeconds(-1) : TimeSpan.FromSeconds(2))).ToList();
        return new ClusterSnapshot(Now, silos, partitions);
    }

    private static SiloRecord Silo(Guid id, DateTimeOffset heartbeat) =>
        new(id, id.ToString()[^1..], "127.0.0.1", 1, 0, 1, SiloStatus.Active, Now - TimeSpan.FromMinutes(1), heartbeat);
}
