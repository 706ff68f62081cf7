namespace Ops.Runtime.Partitioning;

/// <summary>Told by the lease manager when this silo gains or loses a partition (inbox consumers, reminders).</summary>
internal interface IPartitionListener
{
    /// <summary>The silo now owns <paramref name="partitionId"/> under <paramref name="epoch"/>.</summary>
    void OnPartitionAcquired(int partitionId, long epoch);

    /// <summary>
    /// The silo no longer owns it (lost, or released after a drain). Stop every use of the old epoch now; writes
    /// under it will fail anyway.
    /// </summary>
    void OnPartitionLost(int partitionId, long epoch);

    /// <summary>The partition is about to be released gracefully: flush what can be flushed under the epoch.</summary>
    Task OnPartitionDrainingAsync(int partitionId, long epoch);
}
