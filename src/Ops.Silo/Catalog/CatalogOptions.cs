using System.ComponentModel.DataAnnotations;

namespace Ops.Silo.Catalog;

/// <summary>How the silo keeps its catalog in step with the cluster's. Section <c>Catalog</c> of silo-config.</summary>
public sealed class CatalogOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Catalog";

    /// <summary>
    /// PostgreSQL only: how often the silo reads the version of the cluster's catalog overlay (one primary-key read)
    /// and, when another silo saved a change, loads and publishes it. The longest a change made through one silo's
    /// API takes to reach the others is about this. The default value is 2 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan OverlayPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
