namespace Ops.Runtime.Storage;

/// <summary>Grain state rows and the fenced write unit every durable mutation of a grain goes through.</summary>
public interface IGrainStateStore
{
    /// <summary>The stored state, or null if no row exists.</summary>
    Task<StoredState?> ReadStateAsync(GrainId grainId, string stateName, CancellationToken cancellationToken);

    /// <summary>
    /// Executes <paramref name="write"/> as one short transaction that contains no user code:
    /// <list type="number">
    /// <item>lock the partition row (<c>FOR SHARE</c> on PostgreSQL; SQLite's <c>BEGIN IMMEDIATE</c> serialises all writers)
    /// and check owner = <see cref="FencedWrite.SiloId"/> and epoch = <see cref="FencedWrite.Epoch"/>: otherwise nothing
    /// is written and <see cref="PartitionOwnershipLostException"/> is thrown;</item>
    /// <item>apply the operations in order, each conditional as documented on its type: if one fails its condition,
    /// nothing of the unit is written and <see cref="StoreConflictException"/> names the operation.</item>
    /// </list>
    /// All or nothing. Returns one value per operation (see each operation type).
    /// </summary>
    Task<IReadOnlyList<long>> ExecuteAsync(FencedWrite write, CancellationToken cancellationToken);
}

/// <summary>A state row: payload null means cleared (the row is kept, its version bumped).</summary>
public sealed record StoredState(ReadOnlyMemory<byte>? Payload, long Version);

/// <summary>A unit of durable mutations of grains of one partition, fenced by the writer's lease epoch.</summary>
/// <param name="SiloId">The writing silo.</param>
/// <param name="PartitionId">The partition all operations belong to.</param>
/// <param name="Epoch">The epoch the writer holds (an activation's birth epoch).</param>
/// <param name="Operations">Applied in order.</param>
public sealed record FencedWrite(Guid SiloId, int PartitionId, long Epoch, IReadOnlyList<StoreOperation> Operations);

/// <summary>One operation of a <see cref="FencedWrite"/>. The set is closed: the dialects implement each kind.</summary>
public abstract record StoreOperation;

/// <summary>
/// Store a state payload. With <paramref name="ExpectedVersion"/> null, insert version 1 (conflict if a row
/// exists); otherwise update where version = expected, setting version + 1 (conflict if it differs or the row is
/// gone). Records <see cref="FencedWrite.Epoch"/> as the row's written epoch. Result: the new version.
/// </summary>
public sealed record WriteStateOperation(GrainId GrainId, string StateName, long? ExpectedVersion, ReadOnlyMemory<byte> Payload) : StoreOperation;

/// <summary>
/// Clear a state: payload set to null, row kept, version + 1 where version = expected (conflict otherwise).
/// Result: the new version.
/// </summary>
public sealed record ClearStateOperation(GrainId GrainId, string StateName, long ExpectedVersion) : StoreOperation;

/// <summary>
/// Insert or replace a reminder (never a conflict): next due = <paramref name="FirstDue"/>, first tick =
/// <paramref name="FirstDue"/>, version + 1 (1 when new). Result: the new version.
/// </summary>
public sealed record UpsertReminderOperation(GrainId GrainId, string Name, TimeSpan Period, DateTimeOffset FirstDue) : StoreOperation;

/// <summary>Delete a reminder if it exists (never a conflict). Result: 1 if a row was deleted, else 0.</summary>
public sealed record DeleteReminderOperation(GrainId GrainId, string Name) : StoreOperation;

/// <summary>
/// After a tick was delivered: set next due = <paramref name="NextDue"/>, version + 1, only where version =
/// <paramref name="ExpectedVersion"/>. If the version differs (the grain re-registered meanwhile) or the row is
/// gone, nothing changes and it is not a conflict. Result: the new version, or 0 when skipped.
/// </summary>
public sealed record AdvanceReminderOperation(GrainId GrainId, string Name, long ExpectedVersion, DateTimeOffset NextDue) : StoreOperation;

/// <summary>
/// Record that the grain applied inbox records up to <paramref name="Offset"/> (insert, or raise the stored
/// value; never lowers it, never a conflict). Result: 0.
/// </summary>
public sealed record AdvanceInboxCursorOperation(GrainId GrainId, long Offset) : StoreOperation;

/// <summary>
/// Raise the partition's committed inbox offset (every record up to it has been applied or parked) to
/// <paramref name="Offset"/>; never lowers it, never a conflict. Result: 0.
/// </summary>
public sealed record CommitInboxOffsetOperation(long Offset) : StoreOperation;

/// <summary>Park an inbox record that kept failing (never a conflict; a repeat of the same offset is ignored). Result: 0.</summary>
public sealed record ParkInboxRecordOperation(GrainId GrainId, long Offset, string Kind, ReadOnlyMemory<byte> Payload, DateTimeOffset EnqueuedAt, int Attempts, string Error) : StoreOperation;

/// <summary>
/// An operation of a fenced write failed its condition (a stale ETag, a concurrent first insert); nothing of
/// the unit was written.
/// </summary>
public sealed class StoreConflictException : InconsistentStateException
{
    public StoreConflictException()
    {
    }

    public StoreConflictException(string message)
        : base(message)
    {
    }

    public StoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the operation at <paramref name="operationIndex"/>.</summary>
    public StoreConflictException(int operationIndex, StoreOperation operation, long? storedVersion)
        : base(
            $"Operation {operationIndex} ({operation.GetType().Name}) failed its version check; stored version is {(storedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent")}.",
            storedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ExpectedOf(operation))
    {
        OperationIndex = operationIndex;
    }

    /// <summary>The index of the failed operation in the unit.</summary>
    public int OperationIndex { get; }

    private static string? ExpectedOf(StoreOperation operation) => operation switch
    {
        WriteStateOperation w => w.ExpectedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ClearStateOperation c => c.ExpectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
