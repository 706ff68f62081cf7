namespace Ops.Runtime;

/// <summary>
/// The durable per-partition inbox: records addressed to grains, stored before they are acknowledged and
/// delivered to the recipient grain in the order they were appended.
/// </summary>
/// <remarks>
/// Delivery is at least once (after a crash, records are delivered again from the partition's committed offset)
/// and the effect on state is exactly once: the recipient's first state write while handling a record records the
/// record as applied in the same fenced transaction, and a record already applied is never delivered again.
/// </remarks>
public interface IInbox
{
    /// <summary>
    /// Appends one record for <paramref name="recipient"/> and returns once it is durable. Many concurrent appends
    /// share one transaction (group commit).
    /// </summary>
    ValueTask<InboxReceipt> AppendAsync(GrainId recipient, string kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>Appends records in one transaction: all are durable when this returns, or none was acknowledged.</summary>
    ValueTask<IReadOnlyList<InboxReceipt>> AppendAsync(IReadOnlyList<InboxAppend> records, CancellationToken cancellationToken = default);
}

/// <summary>One record to append.</summary>
public readonly record struct InboxAppend(GrainId Recipient, string Kind, ReadOnlyMemory<byte> Payload);

/// <summary>Where an appended record is stored: its partition and its offset there.</summary>
public readonly record struct InboxReceipt(int PartitionId, long Offset);

/// <summary>A record delivered to its recipient grain.</summary>
/// <param name="PartitionId">The recipient's partition.</param>
/// <param name="Offset">The record's position in the partition (gap-free, increasing).</param>
/// <param name="Kind">What the record is (chosen by the appender, e.g. "signal").</param>
/// <param name="Payload">The bytes as appended.</param>
/// <param name="EnqueuedAt">When the record was stored.</param>
/// <param name="DeliveryAttempt">1 on first delivery; higher when earlier attempts failed or were interrupted.</param>
public sealed record InboxRecord(int PartitionId, long Offset, string Kind, ReadOnlyMemory<byte> Payload, DateTimeOffset EnqueuedAt, int DeliveryAttempt);

/// <summary>Implemented by grain classes that receive inbox records.</summary>
public interface IInboxRecipient
{
    /// <summary>
    /// Handles one record as a turn. Write state in this turn to make the effect exactly once; if this throws
    /// before writing, the record is delivered again (after a back-off) and, after the configured number of
    /// attempts, parked as a dead letter.
    /// </summary>
    Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken);
}
