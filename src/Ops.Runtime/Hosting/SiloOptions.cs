using System.ComponentModel.DataAnnotations;

namespace Ops.Runtime.Hosting;

/// <summary>Identity of the silo and of the cluster it belongs to. Section <c>Silo</c> of the configuration.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Silo";

    /// <summary>
    /// The cluster id; every row in the database is keyed by it, so several clusters (or test runs) can share one
    /// database. The default value is "ops".
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]{0,62}$", ErrorMessage = "Silo:ClusterId must be 1-63 characters of a-z, 0-9, '.', '_' or '-'.")]
    public string ClusterId { get; set; } = "ops";

    /// <summary>A readable name for logs and the cluster view. The default value is the machine name.</summary>
    [Required]
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>
    /// N, the number of partitions grains are placed on. Fixed when the cluster is created and stored in the
    /// database; a silo configured with another N refuses to start. The default value is 64.
    /// </summary>
    [Range(1, 4096)]
    public int PartitionCount { get; set; } = 64;

    /// <summary>The host other silos reach this one at. The default value is "127.0.0.1".</summary>
    [Required]
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>
    /// The internal (silo-to-silo) port: HTTP/2 cleartext, used to forward calls and inbox appends to the partition's
    /// owner. Only silos on a shared store (PostgreSQL) open it; 0 picks a free port (the bound port is what the
    /// membership row advertises). Never expose it outside the cluster's network. The default value is 0.
    /// </summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; }

    /// <summary>
    /// The address the internal port binds to; null for <see cref="AdvertisedHost"/> when it is an IP address (so the
    /// default, 127.0.0.1, stays on loopback), else every interface. The default value is null.
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>The public gateway port, 0 when the silo has none. The default value is 0.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }
}
