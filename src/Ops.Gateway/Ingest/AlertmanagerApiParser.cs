using System.Text.Json;
using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// Alertmanager's client API, <c>POST /api/v2/alerts</c>, as Prometheus (or any Alertmanager client) sends it: a
/// JSON array of <c>{labels, annotations, startsAt, endsAt, generatorURL}</c>. Unknown members (and the
/// <c>status</c>/<c>fingerprint</c> Alertmanager itself would ignore) are ignored.
/// </summary>
/// <remarks>
/// Semantics follow Alertmanager: labels with an empty value are dropped (an empty value means "no such label"),
/// then the label set must be non-empty (no particular label is required) and is the alert's identity
/// (<see cref="LabelSetFingerprint"/>). <c>startsAt</c> defaults to <c>endsAt</c> when only that is given, else to
/// the receipt time. Without <c>endsAt</c> the alert lapses at receipt + <see cref="IngestOptions.ResolveTimeout"/>
/// (the sender re-sends while it fires); an <c>endsAt</c> at or before the receipt time means resolved.
/// <c>endsAt</c> before <c>startsAt</c> is rejected, as Alertmanager does.
/// </remarks>
internal static class AlertmanagerApiParser
{
    public static ParseResult<IReadOnlyList<Signal>> Parse(JsonElement root, IngestContext context)
    {
        var errors = new IngestErrors();
        if (root.ValueKind != JsonValueKind.Array)
        {
            errors.Add("$", $"Expected a JSON array of alerts ([{{\"labels\":{{...}}}}]), found {JsonFields.Describe(root.ValueKind)}.");
            return ParseResult<IReadOnlyList<Signal>>.Invalid(errors);
        }

        var signals = new List<Signal>();
        var index = 0;
        foreach (var alert in root.EnumerateArray())
        {
            var path = JsonFields.Element("", index++);
            if (JsonFields.IsObject(alert, path, errors) && ParseAlert(alert, path, context, errors) is { } signal)
            {
                signals.Add(signal);
            }
        }

        return ParseResult<IReadOnlyList<Signal>>.From(signals, errors);
    }

    private static Signal? ParseAlert(JsonElement alert, string path, IngestContext context, IngestErrors errors)
    {
        var labels = JsonFields.StringMap(alert, path, "labels", errors);
        labels?.RemoveWhere(pair => pair.Value.Length == 0);
        if (labels is null or { Count: 0 })
        {
            errors.Add(JsonFields.Member(path, "labels"), "Required: expected a non-empty object of string label values (at least one label with a value).");
        }

        var annotations = JsonFields.StringMap(alert, path, "annotations", errors) ?? [];
        var givenStart = JsonFields.Time(alert, path, "startsAt", errors);
        var givenEnd = JsonFields.Time(alert, path, "endsAt", errors);
        var generator = JsonFields.String(alert, path, "generatorURL", errors);
        if (givenStart is { } start && givenEnd is { } end && end < start)
        {
            errors.Add(JsonFields.Member(path, "endsAt"), $"Expected a time at or after startsAt ({start:O}), found {end:O}.");
        }

        if (labels is null or { Count: 0 })
        {
            return null;
        }

        var startsAt = givenStart ?? givenEnd ?? context.ReceivedAt;
        var endsAt = givenEnd ?? context.ReceivedAt + context.ResolveTimeout;
        var links = new List<SignalLink>();
        if (!string.IsNullOrEmpty(generator))
        {
            links.Add(new SignalLink(generator, "generator"));
        }

        AlertLabels.AddRunbookLink(links, annotations);
        var fingerprint = LabelSetFingerprint.Compute(labels);
        return new Signal
        {
            Id = context.NewId(),
            Layer = AlertLabels.LayerOf(labels),
            Fingerprint = fingerprint,
            Status = endsAt <= context.ReceivedAt ? SignalStatus.Resolved : SignalStatus.Firing,
            Severity = AlertLabels.SeverityOf(labels),
            Summary = AlertLabels.SummaryOf(labels, annotations, fingerprint),
            Labels = labels,
            Annotations = annotations,
            StartsAt = startsAt,
            EndsAt = endsAt,
            ReceivedAt = context.ReceivedAt,
            Source = SignalSources.AlertmanagerApi,
            SourceIdentity = context.SourceIdentity,
            Links = links,
            RawPayload = alert.GetRawText(),
        };
    }

    private static void RemoveWhere(this Dictionary<string, string> map, Func<KeyValuePair<string, string>, bool> predicate)
    {
        foreach (var pair in map.Where(predicate).ToList())
        {
            map.Remove(pair.Key);
        }
    }
}
