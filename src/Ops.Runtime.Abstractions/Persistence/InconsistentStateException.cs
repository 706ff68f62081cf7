namespace Ops.Runtime;

/// <summary>
/// A state write was rejected because the stored version differs from the one the activation observed: another
/// writer got there first. The in-memory state can no longer be trusted; the activation is deactivated after the
/// turn and the next call reloads.
/// </summary>
public class InconsistentStateException : Exception
{
    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message)
        : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the two versions involved.</summary>
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The version in storage, when known.</summary>
    public string? StoredEtag { get; }

    /// <summary>The version the activation expected.</summary>
    public string? CurrentEtag { get; }
}

/// <summary>
/// A write was rejected because this silo no longer owns the grain's partition under the activation's birth
/// epoch: its lease expired and another silo took the partition (or it was handed off). Nothing was written.
/// The silo drops the partition; callers retry and reach the new owner.
/// </summary>
public sealed class PartitionOwnershipLostException : InconsistentStateException
{
    public PartitionOwnershipLostException()
    {
    }

    public PartitionOwnershipLostException(string message)
        : base(message)
    {
    }

    public PartitionOwnershipLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one partition and the epoch the writer held.</summary>
    public PartitionOwnershipLostException(int partitionId, long epoch)
        : base($"Partition {partitionId} is no longer owned by this silo under epoch {epoch}; the write was rejected.")
    {
        PartitionId = partitionId;
        Epoch = epoch;
    }

    /// <summary>The partition whose ownership was lost.</summary>
    public int PartitionId { get; }

    /// <summary>The epoch the rejected writer held.</summary>
    public long Epoch { get; }
}
