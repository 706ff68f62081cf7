using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// A wire format the ingest endpoints read: its name as operators and senders know it (problem titles, log lines),
/// its <c>format</c> label on the ingest metrics, and whether its 400 answers carry PagerDuty's <c>message</c>
/// (see <see cref="IngestProblems"/>).
/// </summary>
internal sealed record IngestFormat(string Title, string MetricLabel, bool PagerDuty = false)
{
    public static readonly IngestFormat AlertmanagerWebhook = new("Alertmanager webhook", SignalSources.AlertmanagerWebhook);

    public static readonly IngestFormat AlertmanagerApi = new("Alertmanager /api/v2/alerts", SignalSources.AlertmanagerApi);

    public static readonly IngestFormat PagerDutyEvent = new("PagerDuty Events v2", SignalSources.PagerDuty, PagerDuty: true);

    public static readonly IngestFormat PagerDutyChange = new("PagerDuty change event", "pagerduty-change", PagerDuty: true);

    public static readonly IngestFormat Generic = new("generic signals", SignalSources.Generic);

    public static readonly IngestFormat Heartbeat = new("heartbeat", SignalSources.Heartbeat);
}
