using System.ComponentModel.DataAnnotations;

namespace Ops.Gateway.Ingest;

/// <summary>How the gateway's ingest adapters read senders. Section <c>Ingest</c> of the configuration.</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Ingest";

    /// <summary>
    /// The label (Alertmanager, generic signals) or custom-details key (change events) whose value names the
    /// product a signal is about; the router matches it against catalog names and aliases before anything else.
    /// The default value is <c>product</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[a-zA-Z_][a-zA-Z0-9_]*$", ErrorMessage = "Ingest:ProductLabel must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*).")]
    public string ProductLabel { get; set; } = "product";

    /// <summary>
    /// Alertmanager's <c>resolve_timeout</c>: an alert posted to <c>/api/v2/alerts</c> without <c>endsAt</c> lapses
    /// (ends) this long after it was received unless it is sent again. The default value is 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The interval a heartbeat promises when the beat names none (<c>?interval=</c>): silence longer than this makes
    /// the source's heartbeat grain raise a machinery signal. The default value is 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan HeartbeatDefaultInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The largest request body accepted, in bytes; a larger one is answered 413 before anything is stored. The
    /// default value is 524,288 (512 KB, PagerDuty Events v2's own limit).
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 512 * 1024;
}
