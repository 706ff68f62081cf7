using System.Text.Json;
using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// Alertmanager's <c>webhook_configs</c> payload (version 4) and Grafana's webhook contact point, which sends the
/// same document plus <c>orgId</c>, <c>title</c>, <c>state</c>, <c>message</c> and, per alert, <c>dashboardURL</c>,
/// <c>panelURL</c>, <c>silenceURL</c>, <c>values</c>, <c>valueString</c> (and <c>version</c> "1"). Unknown members
/// are ignored and <c>version</c> is not checked, so newer senders keep working.
/// </summary>
/// <remarks>
/// Required: <c>alerts</c> (an array) and, per alert, a non-empty <c>labels</c> object of strings. Per alert:
/// <c>status</c> firing|resolved (when absent: resolved if <c>endsAt</c> has passed, else firing); <c>startsAt</c>
/// (receipt time when absent); <c>endsAt</c>, where Go's zero time <c>0001-01-01T00:00:00Z</c> means none;
/// <c>fingerprint</c> (Alertmanager's own; computed with <see cref="LabelSetFingerprint"/> when absent). The
/// document's <c>groupKey</c> becomes each signal's <see cref="Signal.DedupKey"/>.
/// </remarks>
internal static class AlertmanagerWebhookParser
{
    public static ParseResult<IReadOnlyList<Signal>> Parse(JsonElement root, IngestContext context)
    {
        var errors = new IngestErrors();
        if (!JsonFields.IsObject(root, "", errors, "an Alertmanager webhook object ({\"version\":\"4\",\"alerts\":[...]})"))
        {
            return ParseResult<IReadOnlyList<Signal>>.Invalid(errors);
        }

        JsonFields.String(root, "", "version", errors);
        JsonFields.Choice(root, "", "status", errors, AlertLabels.StatusNames);
        var groupKey = JsonFields.String(root, "", "groupKey", errors);
        if (!JsonFields.TryGet(root, "alerts", out var alerts))
        {
            errors.Add("alerts", "Required: expected an array of alerts.");
        }
        else if (alerts.ValueKind != JsonValueKind.Array)
        {
            errors.Add("alerts", $"Expected an array of alerts, found {JsonFields.Describe(alerts.ValueKind)}.");
        }

        var signals = new List<Signal>();
        foreach (var (alert, path) in JsonFields.Objects(root, "", "alerts", errors))
        {
            if (ParseAlert(alert, path, groupKey, context, errors) is { } signal)
            {
                signals.Add(signal);
            }
        }

        return ParseResult<IReadOnlyList<Signal>>.From(signals, errors);
    }

    private static Signal? ParseAlert(JsonElement alert, string path, string? groupKey, IngestContext context, IngestErrors errors)
    {
        var labels = JsonFields.StringMap(alert, path, "labels", errors);
        if (labels is null or { Count: 0 })
        {
            errors.Add(JsonFields.Member(path, "labels"), "Required: expected a non-empty object of string label values.");
        }

        var annotations = JsonFields.StringMap(alert, path, "annotations", errors) ?? [];
        var status = JsonFields.Choice(alert, path, "status", errors, AlertLabels.StatusNames);
        var startsAt = JsonFields.Time(alert, path, "startsAt", errors);
        var endsAt = JsonFields.Time(alert, path, "endsAt", errors);
        var fingerprint = JsonFields.String(alert, path, "fingerprint", errors);
        var links = new List<SignalLink>();
        AddLink(links, alert, path, "generatorURL", "generator", errors);
        AddLink(links, alert, path, "dashboardURL", "dashboard", errors);
        AddLink(links, alert, path, "panelURL", "panel", errors);
        AddLink(links, alert, path, "silenceURL", "silence", errors);
        if (labels is null or { Count: 0 })
        {
            return null;
        }

        AlertLabels.AddRunbookLink(links, annotations);
        var identity = string.IsNullOrEmpty(fingerprint) ? LabelSetFingerprint.Compute(labels) : fingerprint;
        return new Signal
        {
            Id = context.NewId(),
            Layer = AlertLabels.LayerOf(labels),
            Fingerprint = identity,
            Status = status ?? (endsAt <= context.ReceivedAt ? SignalStatus.Resolved : SignalStatus.Firing),
            Severity = AlertLabels.SeverityOf(labels),
            Summary = AlertLabels.SummaryOf(labels, annotations, identity),
            Labels = labels,
            Annotations = annotations,
            Value = GrafanaValue(alert),
            StartsAt = startsAt ?? context.ReceivedAt,
            EndsAt = endsAt,
            ReceivedAt = context.ReceivedAt,
            Source = SignalSources.AlertmanagerWebhook,
            SourceIdentity = context.SourceIdentity,
            DedupKey = groupKey,
            Links = links,
            RawPayload = alert.GetRawText(),
        };
    }

    private static void AddLink(List<SignalLink> links, JsonElement alert, string path, string name, string text, IngestErrors errors)
    {
        if (JsonFields.String(alert, path, name, errors) is { Length: > 0 } href)
        {
            links.Add(new SignalLink(href, text));
        }
    }

    /// <summary>Grafana's <c>values</c> (query ref id → number) when it holds exactly one number: the measured value.</summary>
    private static double? GrafanaValue(JsonElement alert)
    {
        if (!JsonFields.TryGet(alert, "values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var numbers = values.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Take(2).ToList();
        return numbers is [var single] && single.Value.TryGetDouble(out var value) && double.IsFinite(value) ? value : null;
    }
}
