namespace Ops.Runtime.Storage;

/// <summary>
/// The per-partition inbox: records with gap-free offsets per partition (assigned by the partition's owner),
/// per-grain applied cursors, the partition's committed offset, and parked (dead-letter) records.
/// </summary>
public interface IInboxStore
{
    /// <summary>
    /// Inserts <paramref name="entries"/> in one transaction after checking, under the same locks as
    /// <see cref="IGrainStateStore.ExecuteAsync"/>, that <paramref name="siloId"/> owns every partition of
    /// <paramref name="fences"/> under the given epoch. If any fence fails nothing is written and
    /// <see cref="PartitionOwnershipLostException"/> names the first failed partition. Returns once durable.
    /// </summary>
    Task AppendAsync(Guid siloId, IReadOnlyList<PartitionLease> fences, IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> records of the partition with offset ≥ <paramref name="fromOffset"/>, in offset order.</summary>
    Task<IReadOnlyList<InboxEntry>> ReadAsync(int partitionId, long fromOffset, int limit, CancellationToken cancellationToken);

    /// <summary>The partition's highest stored offset (0 if none) and its committed offset (0 if none).</summary>
    Task<InboxPosition> ReadPositionAsync(int partitionId, CancellationToken cancellationToken);

    /// <summary>The highest offset the grain has applied, or null if it never applied one.</summary>
    Task<long?> ReadCursorAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Parked records, newest first.</summary>
    Task<IReadOnlyList<ParkedInboxRecord>> ReadParkedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes records of the partition with offset ≤ <paramref name="upToOffset"/> (callers pass at most the
    /// committed offset) that were stored before <paramref name="storedBefore"/>, the lowest offsets first and at most
    /// <paramref name="limit"/> of them (a short transaction; call again while it returns <paramref name="limit"/>).
    /// Returns the number deleted.
    /// </summary>
    Task<int> TrimAsync(int partitionId, long upToOffset, DateTimeOffset storedBefore, int limit, CancellationToken cancellationToken);
}

/// <summary>An inbox record as stored.</summary>
public sealed record InboxEntry(int PartitionId, long Offset, GrainId Recipient, string Kind, ReadOnlyMemory<byte> Payload, DateTimeOffset EnqueuedAt);

/// <summary>Where a partition's inbox stands.</summary>
public readonly record struct InboxPosition(long LastOffset, long CommittedOffset);

/// <summary>A record that kept failing and was parked instead of blocking its grain.</summary>
public sealed record ParkedInboxRecord(int PartitionId, long Offset, GrainId Recipient, string Kind, ReadOnlyMemory<byte> Payload, DateTimeOffset EnqueuedAt, int Attempts, string Error, DateTimeOffset ParkedAt);
