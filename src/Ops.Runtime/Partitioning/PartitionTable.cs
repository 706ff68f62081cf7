namespace Ops.Runtime.Partitioning;

/// <summary>How this silo stands with one partition.</summary>
internal enum PartitionStatus
{
    /// <summary>Not held by this silo.</summary>
    NotOwned,

    /// <summary>Held; served while the lease is locally valid.</summary>
    Owned,

    /// <summary>Held but being handed off or released: no new work is admitted.</summary>
    Draining,
}

/// <summary>This silo's view of one partition: an immutable snapshot swapped atomically.</summary>
/// <param name="Status">Owned, draining or not owned.</param>
/// <param name="Epoch">The epoch this silo acquired it under.</param>
/// <param name="ValidUntil">Monotonic timestamp (system clock) after which the silo stops serving it on its own.</param>
internal sealed record PartitionOwnership(PartitionStatus Status, long Epoch, long ValidUntil)
{
    public static readonly PartitionOwnership NotOwned = new(PartitionStatus.NotOwned, 0, 0);
}

/// <summary>
/// Which partitions this silo owns, under which epochs, and until when it may serve them (self-fencing, INV-7).
/// Read on every dispatch without locks; written by the lease manager.
/// </summary>
internal sealed class PartitionTable
{
    private readonly PartitionOwnership[] _partitions;
    private readonly TimeProvider _leaseClock;

    public PartitionTable(PartitionFunction function, TimeProvider leaseClock)
    {
        Function = function;
        _leaseClock = leaseClock;
        _partitions = new PartitionOwnership[function.PartitionCount];
        Array.Fill(_partitions, PartitionOwnership.NotOwned);
    }

    public PartitionFunction Function { get; }

    public int Count => _partitions.Length;

    public int GetPartition(GrainId grainId) => Function.GetPartition(grainId);

    public PartitionOwnership Get(int partitionId) => Volatile.Read(ref _partitions[partitionId]);

    public void Set(int partitionId, PartitionOwnership ownership) => Volatile.Write(ref _partitions[partitionId], ownership);

    /// <summary>Whether this silo may admit work for the partition now, and under which epoch.</summary>
    public bool TryGetServingEpoch(int partitionId, out long epoch, out string reason)
    {
        var ownership = Volatile.Read(ref _partitions[partitionId]);
        epoch = ownership.Epoch;
        switch (ownership.Status)
        {
            case PartitionStatus.Owned when _leaseClock.GetTimestamp() < ownership.ValidUntil:
                reason = string.Empty;
                return true;
            case PartitionStatus.Owned:
                reason = "its lease could not be renewed in time (self-fenced until the next renewal succeeds)";
                return false;
            case PartitionStatus.Draining:
                reason = "it is being handed off";
                return false;
            default:
                reason = "this silo does not own it";
                return false;
        }
    }

    /// <summary>The partitions held (owned or draining) with their epochs.</summary>
    public List<Storage.PartitionLease> HeldLeases()
    {
        var leases = new List<Storage.PartitionLease>();
        for (var i = 0; i < _partitions.Length; i++)
        {
            var ownership = Volatile.Read(ref _partitions[i]);
            if (ownership.Status != PartitionStatus.NotOwned)
            {
                leases.Add(new Storage.PartitionLease(i, ownership.Epoch));
            }
        }

        return leases;
    }

    /// <summary>The partitions this silo may serve right now.</summary>
    public List<Storage.PartitionLease> ServingLeases()
    {
        var leases = new List<Storage.PartitionLease>();
        for (var i = 0; i < _partitions.Length; i++)
        {
            if (TryGetServingEpoch(i, out var epoch, out _))
            {
                leases.Add(new Storage.PartitionLease(i, epoch));
            }
        }

        return leases;
    }

    public int OwnedCount => _partitions.Count(p => p.Status == PartitionStatus.Owned);
}
