namespace Ops.Runtime.Storage;

/// <summary>Durable reminder rows, keyed by grain and name, filed under the grain's partition. Writes go through <see cref="IGrainStateStore.ExecuteAsync"/>.</summary>
public interface IReminderStore
{
    /// <summary>Reminders of the given partitions whose next due time is at or before <paramref name="dueBefore"/>, earliest first.</summary>
    Task<IReadOnlyList<ReminderRecord>> ReadDueAsync(IReadOnlyCollection<int> partitionIds, DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken);

    /// <summary>All reminders of one grain.</summary>
    Task<IReadOnlyList<ReminderRecord>> ReadForGrainAsync(GrainId grainId, CancellationToken cancellationToken);
}

/// <summary>A reminder row.</summary>
public sealed record ReminderRecord(GrainId GrainId, string Name, int PartitionId, TimeSpan Period, DateTimeOffset FirstTick, DateTimeOffset NextDue, long Version);
