namespace Ops.Runtime.Storage;

/// <summary>
/// The cluster's schema, its identity row and the silo membership rows. Safety never depends on membership:
/// it is used for routing, quotas and display; the partition leases and epochs are the arbiter of ownership.
/// </summary>
public interface IClusterStore
{
    /// <summary>"sqlite" or "postgresql".</summary>
    string Dialect { get; }

    /// <summary>
    /// True when this store guarantees that no other silo process can use the same database (SQLite holds an
    /// exclusive lock on a file beside the database). Leases left by a crashed predecessor may then be taken over
    /// at once instead of waiting for them to expire: epochs still fence any write of the old owner.
    /// </summary>
    bool IsExclusive { get; }

    /// <summary>
    /// Applies the schema migrations (under a lock, so silos starting together do not race), then creates the
    /// cluster row with <paramref name="partitionCount"/> partition rows if the cluster does not exist yet.
    /// Returns the cluster as stored: a different <see cref="ClusterInfo.PartitionCount"/> means the silo is
    /// misconfigured and must not start. For SQLite, first takes the exclusive file lock or throws
    /// <see cref="StoreInUseException"/>.
    /// </summary>
    Task<ClusterInfo> InitializeAsync(int partitionCount, CancellationToken cancellationToken);

    /// <summary>One cheap round trip; throws if the database is unreachable.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Inserts (or replaces) this silo's membership row with status <see cref="SiloStatus.Active"/>.</summary>
    Task RegisterSiloAsync(SiloRegistration silo, CancellationToken cancellationToken);

    /// <summary>Refreshes the silo's heartbeat (database clock); returns its status, or null if the row is gone.</summary>
    Task<SiloStatus?> HeartbeatAsync(Guid siloId, CancellationToken cancellationToken);

    /// <summary>Sets the silo's status (ShuttingDown on drain, Dead on graceful stop).</summary>
    Task SetSiloStatusAsync(Guid siloId, SiloStatus status, CancellationToken cancellationToken);

    /// <summary>All membership rows of the cluster.</summary>
    Task<IReadOnlyList<SiloRecord>> ReadSilosAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The membership rows and the partition rows read together with the database's clock, so that liveness
    /// (heartbeat age) and lease time left are judged on one clock: the database's.
    /// </summary>
    Task<ClusterSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Marks Dead every Joining, Active or ShuttingDown silo whose heartbeat is older than <paramref name="deadAfter"/>
    /// (database clock), then deletes Dead rows whose heartbeat is older than <paramref name="retention"/>. Any silo
    /// may run it; it is idempotent. Returns how many rows were marked and deleted.
    /// </summary>
    Task<(int MarkedDead, int Deleted)> CleanUpSilosAsync(TimeSpan deadAfter, TimeSpan retention, CancellationToken cancellationToken);
}

/// <summary>Membership and partition rows read at one moment of the database's clock.</summary>
/// <param name="DatabaseNow">The database's now when the rows were read.</param>
/// <param name="Silos">Every membership row of the cluster.</param>
/// <param name="Partitions">Every partition row, ordered by id.</param>
public sealed record ClusterSnapshot(DateTimeOffset DatabaseNow, IReadOnlyList<SiloRecord> Silos, IReadOnlyList<PartitionRecord> Partitions)
{
    /// <summary>How long ago (database clock) the silo last sent its heartbeat.</summary>
    public TimeSpan HeartbeatAge(SiloRecord silo) => DatabaseNow - silo.HeartbeatAt;

    /// <summary>
    /// Whether the silo counts as a member for placement: Joining or Active, with a heartbeat younger than
    /// <paramref name="liveWithin"/>. Used for quotas and routing only, never for safety.
    /// </summary>
    public bool IsLive(SiloRecord silo, TimeSpan liveWithin) =>
        silo.Status is SiloStatus.Joining or SiloStatus.Active && HeartbeatAge(silo) <= liveWithin;
}

/// <summary>The cluster as stored.</summary>
/// <param name="ClusterId">The cluster id every row is keyed by.</param>
/// <param name="PartitionCount">N, fixed when the cluster was created.</param>
/// <param name="Created">True if this call created the cluster.</param>
public sealed record ClusterInfo(string ClusterId, int PartitionCount, bool Created);

/// <summary>A silo's membership status.</summary>
public enum SiloStatus : short
{
    /// <summary>Starting: registered, not yet serving.</summary>
    Joining = 1,

    /// <summary>Serving.</summary>
    Active = 2,

    /// <summary>Draining before a graceful stop.</summary>
    ShuttingDown = 3,

    /// <summary>Stopped, or declared dead.</summary>
    Dead = 4,
}

/// <summary>What a silo registers about itself.</summary>
public sealed record SiloRegistration(Guid SiloId, string SiloName, string Host, int SiloPort, int GatewayPort, int ProcessId);

/// <summary>A membership row; times are the database's.</summary>
public sealed record SiloRecord(
    Guid SiloId,
    string SiloName,
    string Host,
    int SiloPort,
    int GatewayPort,
    int ProcessId,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt);

/// <summary>
/// The database is in use by another silo process and this store cannot be shared (SQLite). The message says
/// which process holds it and what to do.
/// </summary>
public sealed class StoreInUseException : Exception
{
    public StoreInUseException()
    {
    }

    public StoreInUseException(string message)
        : base(message)
    {
    }

    public StoreInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
