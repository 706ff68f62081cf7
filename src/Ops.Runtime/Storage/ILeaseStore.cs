namespace Ops.Runtime.Storage;

/// <summary>
/// Partition leases. Each partition row holds its owner silo, a lease expiry on the database clock and an epoch
/// (fencing token) bumped by exactly one on every acquisition. Lease statements use the database clock only.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// For each of <paramref name="partitionIds"/>, in one conditional update per partition: if it is unowned or
    /// its lease has expired (or, with <paramref name="takeOverLiveLeases"/>, whatever its state), set the owner to
    /// <paramref name="siloId"/>, bump the epoch and set expiry = now + <paramref name="ttl"/>. Concurrent acquirers
    /// of one partition: exactly one wins and the epoch rises by exactly one. Returns the partitions acquired with
    /// their new epochs; the others are held by someone else.
    /// </summary>
    Task<IReadOnlyList<PartitionLease>> AcquireAsync(Guid siloId, IReadOnlyCollection<int> partitionIds, TimeSpan ttl, bool takeOverLiveLeases, CancellationToken cancellationToken);

    /// <summary>
    /// Extends, in one statement, every lease in <paramref name="leases"/> whose row still has owner =
    /// <paramref name="siloId"/> and the same epoch (even if it already expired: an unchanged epoch proves nobody
    /// else wrote). Returns the partition ids renewed; any other partition in the request is lost and must be
    /// dropped at once.
    /// </summary>
    Task<IReadOnlySet<int>> RenewAsync(Guid siloId, IReadOnlyCollection<PartitionLease> leases, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Releases the leases (owner cleared, expiry in the past) where owner and epoch still match.</summary>
    Task ReleaseAsync(Guid siloId, IReadOnlyCollection<PartitionLease> leases, CancellationToken cancellationToken);

    /// <summary>Every partition row of the cluster, ordered by id.</summary>
    Task<IReadOnlyList<PartitionRecord>> ReadPartitionsAsync(CancellationToken cancellationToken);
}

/// <summary>A held lease: the partition and the epoch this silo acquired it under.</summary>
public readonly record struct PartitionLease(int PartitionId, long Epoch);

/// <summary>A partition row.</summary>
/// <param name="PartitionId">The partition.</param>
/// <param name="OwnerSilo">The owner, or null if released / never owned.</param>
/// <param name="Epoch">The fencing token.</param>
/// <param name="LeaseRemaining">Expiry minus the database's now (negative when expired).</param>
public sealed record PartitionRecord(int PartitionId, Guid? OwnerSilo, long Epoch, TimeSpan LeaseRemaining);
