using System.ComponentModel.DataAnnotations;

namespace Ops.Grains.Hosting;

/// <summary>The ops loop's rules: response targets, correlation, rule of three, capacity and portfolio. Section <c>Loop</c>.</summary>
public sealed class OpsLoopOptions
{
    public const string SectionName = "Loop";

    /// <summary>Time to acknowledge a Sev1 before it escalates to the next step. The default value is 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan AckDeadlineSev1 { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Time to acknowledge a Sev2. The default value is 30 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan AckDeadlineSev2 { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Time to acknowledge a Sev3. The default value is 4 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan AckDeadlineSev3 { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Novel symptoms of products sharing a dependency within this window are one cross-product incident. The
    /// default value is 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CorrelationWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many dependents hurting at once make a cross-product incident. The default value is 2.</summary>
    [Range(2, 1000)]
    public int CrossProductThreshold { get; set; } = 2;

    /// <summary>Equivalent human fixes that produce a promotion proposal (the rule of three). The default value is 3.</summary>
    [Range(1, 100)]
    public int PromotionThreshold { get; set; } = 3;

    /// <summary>Approved successful runs after which a confirm-first promotion runs automatically. The default value is 2.</summary>
    [Range(1, 100)]
    public int ApprovedRunsBeforeAutomatic { get; set; } = 2;

    /// <summary>Guard rail of a promoted runbook: the most runs per hour. The default value is 6.</summary>
    [Range(1, 100_000)]
    public int PromotedMaxRunsPerHour { get; set; } = 6;

    /// <summary>Guard rail of a promoted runbook: the least time between two runs. The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PromotedCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Labels whose values vary between occurrences of the same symptom (instance, pod ...): ignored for the symptom
    /// class and replaced by templates in promoted fixes.
    /// </summary>
    /// <remarks>
    /// Null or empty means the defaults (<see cref="DefaultVolatileLabels"/>); a configured list replaces them.
    /// </remarks>
    public List<string>? VolatileLabels { get; set; }

    /// <summary>The labels that vary between occurrences when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultVolatileLabels = ["instance", "pod", "host", "hostname", "node", "container", "ip", "replica"];

    /// <summary>The configured volatile labels, or the defaults.</summary>
    public IReadOnlyList<string> EffectiveVolatileLabels => VolatileLabels is { Count: > 0 } configured ? configured : DefaultVolatileLabels;

    /// <summary>How often firing symptoms are checked for a lapsed <c>endsAt</c>. The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LapseCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The trailing window for builder load. The default value is 7 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan LoadWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Load units per page in the window. The default value is 0.25.</summary>
    [Range(0, 100)]
    public double LoadPerPage { get; set; } = 0.25;

    /// <summary>Load units per incident in the window. The default value is 0.5.</summary>
    [Range(0, 100)]
    public double LoadPerIncident { get; set; } = 0.5;

    /// <summary>Load units per hour of toil in the window. The default value is 0.5.</summary>
    [Range(0, 100)]
    public double LoadPerToilHour { get; set; } = 0.5;

    /// <summary>The portfolio's trailing window in days. The default value is 30.</summary>
    [Range(1, 365)]
    public int PortfolioWindowDays { get; set; } = 30;

    /// <summary>Tail cost (hours of attention in the window) from which a product is worth simplifying. The default value is 8.</summary>
    [Range(0, 100_000)]
    public double HighTailHours { get; set; } = 8;

    /// <summary>Declared value below which a high-tail product is recommended for retirement. The default value is 10,000.</summary>
    [Range(0, double.MaxValue)]
    public double LowValue { get; set; } = 10_000;

    /// <summary>Base URL of the console/API used in notification links. The default value is null (no link).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary><see cref="PublicBaseUrl"/> followed by <paramref name="path"/> (which starts with '/'); null when no base URL is configured.</summary>
    public string? PublicLink(string path) => PublicBaseUrl is { } baseUrl ? baseUrl.TrimEnd('/') + path : null;

    public TimeSpan AckDeadline(Ops.Contracts.Grains.Severity severity) => severity switch
    {
        Ops.Contracts.Grains.Severity.Sev1 => AckDeadlineSev1,
        Ops.Contracts.Grains.Severity.Sev2 => AckDeadlineSev2,
        _ => AckDeadlineSev3,
    };
}
