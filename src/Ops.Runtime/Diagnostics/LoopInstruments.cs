using System.Diagnostics.Metrics;

namespace Ops.Runtime.Diagnostics;

/// <summary>
/// The instruments of the ops loop (meter <see cref="TelemetryNames.Loop"/>): remediation runs by outcome, pages by
/// reason, acknowledgement latency, notification deliveries. One per host, from the host's <see cref="IMeterFactory"/>;
/// grains resolve it from their services and record nothing when the host registered none.
/// </summary>
public sealed class LoopInstruments
{
    private static readonly double[] s_ackBuckets = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

    private readonly Counter<long> _runs;
    private readonly Counter<long> _pages;
    private readonly Histogram<double> _ackLatency;
    private readonly Counter<long> _notifications;

    public LoopInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(TelemetryNames.Loop);
        _runs = meter.CreateCounter<long>(
            "ops.remediation.runs",
            "{run}",
            "Remediation runs that reached an outcome, by outcome (verified, failed, not-verified, rejected, expired).");
        _pages = meter.CreateCounter<long>(
            "ops.pages",
            "{page}",
            "Pages sent to people, by reason (paged: the owner or tier; informed: an affected builder told once; escalated: the acknowledgement deadline passed).");
        _ackLatency = meter.CreateHistogram(
            "ops.page.ack.duration",
            "s",
            "Seconds from an incident opening to its acknowledgement, by severity.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_ackBuckets });
        _notifications = meter.CreateCounter<long>(
            "ops.notifications",
            "{notification}",
            "Notification deliveries (pages and notices) by channel kind (webhook, slack, teams) and outcome (delivered, failed) after retries.");
    }

    /// <summary>A run reached <paramref name="outcome"/> (a terminal run state: verified, failed, not-verified, rejected, expired).</summary>
    public void RecordRunFinished(string outcome) => _runs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A page with <paramref name="reason"/> (paged, informed, escalated) went out.</summary>
    public void RecordPage(string reason) => _pages.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>An incident of <paramref name="severity"/> was acknowledged <paramref name="sinceOpened"/> after it opened.</summary>
    public void RecordAcknowledged(string severity, TimeSpan sinceOpened) =>
        _ackLatency.Record(Math.Max(0, sinceOpened.TotalSeconds), new KeyValuePair<string, object?>("severity", severity));

    /// <summary>One delivery to a channel of <paramref name="channelKind"/> ended, delivered or not.</summary>
    public void RecordNotification(string channelKind, bool delivered) =>
        _notifications.Add(1, new KeyValuePair<string, object?>("channel", channelKind), new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));
}
