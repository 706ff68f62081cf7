using Xunit.Abstractions;

namespace Ops.Cluster.Tests;

/// <summary>Crash, graceful stop, zombie owner and a silo cut off from the database (T12-T15).</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Killing_the_owner_moves_its_grains_within_the_lease_ttl_with_state_and_reminders_intact()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var owner = cluster.Silos[0];
        var gateway = cluster.Silos[1];
        var key = Clusters.KeyServedBy<ICounterGrain>(cluster, owner, "t12");
        var grain = gateway.GrainFactory.GetGrain<ICounterGrain>(key);
        for (var i = 0; i < 5; i++)
        {
            await grain.Increment();
        }

        await grain.Register("beat", TimeSpan.FromMilliseconds(300));
        await Probe.WaitUntilAsync(() => probe.Count($"ticks:{key}:beat") >= 2, because: "the reminder fires on the first owner");

        await cluster.KillSiloAsync(owner);
        var (value, elapsed, failures) = await Clusters.UntilSuccessAsync(() => grain.Increment(), TimeSpan.FromSeconds(20));
        output.WriteLine($"kill → first successful call after {elapsed.TotalMilliseconds:F0} ms ({failures.Count} failed attempts: {string.Join(" | ", failures.Distinct())})");

        Assert.Equal(6, value);
        Assert.True(elapsed < Clusters.Ttl + TimeSpan.FromSeconds(2), $"takeover took {elapsed}");
        var newOwner = cluster.FindActivation(gateway.GrainFactory.GetGrainId<ICounterGrain>(key));
        Assert.NotNull(newOwner);
        Assert.NotSame(owner, newOwner);
        var ticksOnNewOwner = $"tick:{key}:beat:{newOwner!.SiloId}";
        await Probe.WaitUntilAsync(() => probe.Events.Count(e => e == ticksOnNewOwner) >= 2, because: "the reminder fires on the new owner");
        await cluster.WaitForStableOwnershipAsync();
    }

    [SkippableFact]
    public async Task A_graceful_stop_hands_grains_over_faster_than_the_ttl_with_what_OnDeactivateAsync_saved()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var owner = cluster.Silos[0];
        var gateway = cluster.Silos[1];
        var key = Clusters.KeyServedBy<ICounterGrain>(cluster, owner, "t13");
        var grain = gateway.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.Increment();
        await grain.SetUnsaved("written-on-deactivate");

        var stopping = cluster.StopSiloAsync(owner);
        var (saved, elapsed, failures) = await Clusters.UntilSuccessAsync(() => grain.SavedOnDeactivate(), TimeSpan.FromSeconds(20));
        await stopping;
        output.WriteLine($"graceful stop → first successful call after {elapsed.TotalMilliseconds:F0} ms ({failures.Count} failed attempts: {string.Join(" | ", failures)})");

        Assert.Equal("written-on-deactivate", saved);
        Assert.Equal(1, await grain.Get());
        Assert.Empty(failures);
        Assert.True(elapsed < Clusters.Ttl, $"takeover took {elapsed}");
        Assert.Contains($"deactivate:{key}:ShuttingDown:{owner.SiloId}", probe.Events);
        await cluster.WaitForStableOwnershipAsync();
    }

    [SkippableFact]
    public async Task A_paused_owner_that_lost_its_partition_cannot_write_when_it_resumes_and_drops_the_partition()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var zombie = cluster.Silos[0];
        var key = Clusters.KeyServedBy<ICounterGrain>(cluster, zombie, "t14");
        var grainId = zombie.GrainFactory.GetGrainId<ICounterGrain>(key);
        var partition = cluster.PartitionOf(grainId);
        Assert.Equal(1, await zombie.GrainFactory.GetGrain<ICounterGrain>(key).Increment());

        // The grain changes its state in memory and is frozen before writing it (a GC pause mid-turn).
        var unsaved = zombie.GrainFactory.GetGrain<ICounterGrain>(key).IncrementAfter("t14-gate");
        await Probe.WaitUntilAsync(() => probe.Events.Contains($"holding:{key}:t14-gate"));
        cluster.PauseSilo(zombie);

        // Another silo takes the partition once the lease expires, and serves the grain from stored state.
        await Probe.WaitUntilAsync(() => cluster.Silos.Any(s => s != zombie && s.Diagnostics.ServingPartitions.Any(p => p.PartitionId == partition)), TimeSpan.FromSeconds(15), "another silo takes the partition");
        var successor = cluster.Silos[1].GrainFactory.GetGrain<ICounterGrain>(key);
        Assert.Equal(2, await successor.Increment());

        // The zombie wakes up: its write is fenced out, it drops the partition and the activation.
        cluster.ResumeSilo(zombie);
        probe.Open("t14-gate");
        await Assert.ThrowsAsync<PartitionOwnershipLostException>(() => unsaved);
        await Probe.WaitUntilAsync(() => !zombie.HeldPartitions.Contains(partition) && !zombie.Diagnostics.IsActive(grainId), because: "the zombie drops the partition and the grain");
        Assert.Equal(2, await successor.Get());
        Assert.Equal(3, await successor.Increment());
        Assert.Single(cluster.FindActivations(grainId));
        await cluster.WaitForStableOwnershipAsync();
    }

    [SkippableFact]
    public async Task A_silo_cut_off_from_the_database_stops_serving_before_its_leases_expire_and_rejoins_after_healing()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var cut = cluster.Silos[0];
        var key = Clusters.KeyServedBy<ICounterGrain>(cluster, cut, "t15");
        var grainId = cut.GrainFactory.GetGrainId<ICounterGrain>(key);
        var partition = cluster.PartitionOf(grainId);
        var grain = cluster.Silos[1].GrainFactory.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, await grain.Increment());

        cut.Faults.BlackHole();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Probe.WaitUntilAsync(() => cut.Diagnostics.ServingPartitions.Count == 0, TimeSpan.FromSeconds(10), "the cut-off silo fences itself");
        var fencedAfter = watch.Elapsed;
        Assert.DoesNotContain(cluster.Silos.Skip(1), s => s.Diagnostics.ServingPartitions.Any(p => p.PartitionId == partition));

        var (value, takenOverAfter, _) = await Clusters.UntilSuccessAsync(() => grain.Increment(), TimeSpan.FromSeconds(20));
        output.WriteLine($"black hole → self-fenced after {fencedAfter.TotalMilliseconds:F0} ms, calls served elsewhere after {takenOverAfter.TotalMilliseconds + fencedAfter.TotalMilliseconds:F0} ms");
        Assert.Equal(2, value);
        Assert.True(fencedAfter < Clusters.Ttl, $"fenced after {fencedAfter}");
        await Probe.WaitUntilAsync(() => !cut.Diagnostics.IsActive(grainId), TimeSpan.FromSeconds(5), "the cut-off silo drops the activations of the leases it can no longer hold");
        Assert.NotSame(cut, cluster.FindActivation(grainId));

        cut.Faults.Heal();
        var rejoined = await cluster.WaitForStableOwnershipAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"healed → stable ownership with the silo back after {rejoined.TotalMilliseconds:F0} ms");
        Assert.InRange(cut.Diagnostics.ServingPartitions.Count, Clusters.Partitions / 3, Clusters.Partitions / 3);
        Assert.Equal(3, await grain.Increment());
        Assert.Single(cluster.FindActivations(grainId));
    }
}
