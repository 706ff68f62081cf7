using System.ComponentModel.DataAnnotations;

namespace Ops.Runtime.Hosting;

/// <summary>
/// Membership, rebalancing and routing between silos. Section <c>Cluster</c> of the configuration. Used only by
/// stores shared between silos (PostgreSQL); a SQLite silo is alone and owns every partition.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Cluster";

    /// <summary>
    /// A silo whose heartbeat (database clock) is older than this is not counted when partitions are shared out, and
    /// is marked Dead. Null for <see cref="LeaseOptions.Ttl"/>. Membership never decides safety: leases and epochs do.
    /// </summary>
    public TimeSpan? LiveWithin { get; set; }

    /// <summary>Dead membership rows are deleted once their last heartbeat is this old. The default value is 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan DeadSiloRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often a silo compares what it owns with its share (⌊N/S⌋ or ⌈N/S⌉ of N partitions over S live silos),
    /// acquires free partitions it is short of, and hands off one partition when it holds more than its share.
    /// The default value is 2 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:10:00")]
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many consecutive rebalance rounds a surplus must be seen before the silo hands a partition off
    /// (hysteresis: a silo joining or leaving does not make the cluster flap). The default value is 2.
    /// </summary>
    [Range(1, 100)]
    public int HandoffAfterRounds { get; set; } = 2;

    /// <summary>How often the partition map (owner and address of every partition) is refreshed from the database. The default value is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:10:00")]
    public TimeSpan MapRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// At start-up, how long a silo waits to own its share before it reports started anyway (it keeps acquiring
    /// in the background; readiness says whether it owns its share). The default value is 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a hand-off waits for the partition's activations to deactivate (and save) before it releases the
    /// lease anyway; writes still running after the release are fenced out. The default value is 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a call or inbox append waits for its partition to get an owner (during a hand-off or after a
    /// crash) before failing with <see cref="PartitionUnavailableException"/>; never beyond the call's deadline.
    /// The default value is 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RoutingTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
