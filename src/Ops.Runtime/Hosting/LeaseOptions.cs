using System.ComponentModel.DataAnnotations;

namespace Ops.Runtime.Hosting;

/// <summary>Partition lease timings. Section <c>Leases</c> of the configuration.</summary>
/// <remarks>
/// A silo serves a partition only while <c>now &lt; t0 + Ttl − SafetyMargin</c>, where t0 is when it sent the
/// renewal that succeeded (monotonic clock); the database sets the expiry to its own now + Ttl, later than t0. So a
/// silo stops serving before its lease can expire and another silo can take over (self-fencing).
/// </remarks>
public sealed class LeaseOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Leases";

    /// <summary>Lease length. The default value is 15 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often held leases are renewed (in one statement). Must be well below Ttl − SafetyMargin. The default value is 3 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:05:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long before the lease's expiry a silo stops serving on its own. The default value is 3 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:05:00")]
    public TimeSpan SafetyMargin { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a silo retries acquiring partitions it should own but does not. The default value is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:05:00")]
    public TimeSpan AcquireInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// At start-up, how long to wait for the partitions to become available before refusing to start. The default
    /// value is Ttl + 5 seconds: long enough for the leases of a crashed predecessor to expire.
    /// </summary>
    public TimeSpan? StartupTimeout { get; set; }
}
