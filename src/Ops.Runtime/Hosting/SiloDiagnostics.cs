using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ops.Runtime.Hosting;

/// <summary>What an operator (or a test) can read about a running silo.</summary>
public interface ISiloDiagnostics
{
    /// <summary>This silo's id (new on every process start).</summary>
    Guid SiloId { get; }

    /// <summary>Where the silo is in its life.</summary>
    SiloLifecycleStatus Status { get; }

    /// <summary>N, the cluster's partition count.</summary>
    int PartitionCount { get; }

    /// <summary>The partitions this silo may serve right now, with their epochs.</summary>
    IReadOnlyList<Storage.PartitionLease> ServingPartitions { get; }

    /// <summary>The number of activations on this silo.</summary>
    int ActivationCount { get; }

    /// <summary>Inbox records stored but not yet applied, per owned partition.</summary>
    IReadOnlyDictionary<int, long> InboxLag { get; }

    /// <summary>Whether the grain is active on this silo.</summary>
    bool IsActive(GrainId grainId);

    /// <summary>One round trip to the database; throws if it is unreachable.</summary>
    Task PingDatabaseAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Drains this silo without stopping the process: every partition is handed off gracefully (activations
    /// deactivate and save, inbox offsets commit, leases are released), the silo acquires nothing more and reports
    /// not ready; calls it receives are forwarded to the new owners. Throws on a single-silo (SQLite) store.
    /// </summary>
    Task DrainAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The cluster as the database records it (membership rows, partition owners, epochs, lease time left) with
    /// this silo's inbox lag per partition it serves.
    /// </summary>
    Task<ClusterView> ReadClusterAsync(CancellationToken cancellationToken);
}

/// <summary>The cluster's silos and partitions, from the database, plus this silo's view.</summary>
public sealed record ClusterView(
    Guid ThisSilo,
    IReadOnlyList<Storage.SiloRecord> Silos,
    IReadOnlyList<ClusterPartitionView> Partitions);

/// <summary>One partition: its owner and epoch from the database; serving and inbox lag as this silo sees them.</summary>
public sealed record ClusterPartitionView(int PartitionId, Guid? OwnerSilo, long Epoch, double LeaseRemainingSeconds, bool ServedHere, long? InboxLag);

internal sealed class SiloDiagnostics(Silo silo) : ISiloDiagnostics
{
    public Guid SiloId => silo.SiloId;

    public SiloLifecycleStatus Status => silo.Status;

    public int PartitionCount => silo.Partitions.Count;

    public IReadOnlyList<Storage.PartitionLease> ServingPartitions => silo.Partitions.ServingLeases();

    public int ActivationCount => silo.Catalog.Count;

    public IReadOnlyDictionary<int, long> InboxLag => silo.Inbox.LagByPartition;

    public bool IsActive(GrainId grainId) => silo.Catalog.Find(grainId) is { State: Catalog.ActivationState.Valid };

    public Task PingDatabaseAsync(CancellationToken cancellationToken) => silo.Store.PingAsync(cancellationToken);

    public Task DrainAsync(CancellationToken cancellationToken) => silo.DrainAsync(cancellationToken);

    public async Task<ClusterView> ReadClusterAsync(CancellationToken cancellationToken)
    {
        var (_, silos, partitions) = await silo.Store.ReadSnapshotAsync(cancellationToken);
        var serving = silo.Partitions.ServingLeases().Select(l => l.PartitionId).ToHashSet();
        var lag = silo.Inbox.LagByPartition;
        return new ClusterView(
            silo.SiloId,
            silos,
            [.. partitions.OrderBy(p => p.PartitionId).Select(p => new ClusterPartitionView(
                p.PartitionId,
                p.OwnerSilo,
                p.Epoch,
                Math.Round(p.LeaseRemaining.TotalSeconds, 1),
                serving.Contains(p.PartitionId),
                lag.TryGetValue(p.PartitionId, out var l) ? l : null))]);
    }
}

/// <summary>Ready = the silo is active, the database answers, and the silo serves every partition it should own.</summary>
internal sealed class SiloReadinessHealthCheck(Silo silo) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (silo.Status != SiloLifecycleStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"silo is {silo.Status}");
        }

        try
        {
            await silo.Store.PingAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("database unreachable", exception);
        }

        var serving = silo.Partitions.ServingLeases().Count;
        var data = new Dictionary<string, object> { ["servingPartitions"] = serving, ["partitionCount"] = silo.Partitions.Count, ["activations"] = silo.Catalog.Count };
        if (!silo.Store.IsExclusive)
        {
            // In a cluster: ready = serving everything it holds, and at least its share ⌊N/S⌋ of the current map.
            var held = silo.Partitions.HeldLeases().Count;
            var plan = silo.Leases.LastPlan;
            data["heldPartitions"] = held;
            if (plan is not null)
            {
                data["share"] = plan.Low == plan.High ? $"{plan.Low}" : $"{plan.Low}-{plan.High}";
                data["liveSilos"] = plan.LiveSilos;
            }

            if (silo.Leases.DrainingAll)
            {
                return HealthCheckResult.Unhealthy("the silo is drained: it serves no partition", data: data);
            }

            return serving == held && serving >= (plan?.Low ?? 1)
                ? HealthCheckResult.Healthy($"serving {serving} of {silo.Partitions.Count} partitions (share {data.GetValueOrDefault("share", "?")})", data)
                : HealthCheckResult.Unhealthy($"serving {serving} of {held} held partitions; share {data.GetValueOrDefault("share", "?")}", data: data);
        }

        return serving == silo.Partitions.Count
            ? HealthCheckResult.Healthy($"serving {serving} of {silo.Partitions.Count} partitions", data)
            : HealthCheckResult.Unhealthy($"serving {serving} of {silo.Partitions.Count} partitions", data: data);
    }
}
