using System.Text.Json;
using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// The gateway's own format, <c>POST /api/v1/signals</c>, for senders that speak neither Alertmanager nor PagerDuty
/// (uptime probes, business-metric feeds, scripts): one signal object, or an array of them.
/// </summary>
/// <remarks>
/// <para>Members of a signal (only <c>name</c> is required; unknown members are ignored):</para>
/// <list type="bullet">
/// <item><c>name</c>: the symptom's name (e.g. <c>CheckoutConversionLow</c>); stored as the <c>alertname</c> label.</item>
/// <item><c>product</c>: the product it is about (a catalog name or alias); stored as the product label
/// (<see cref="IngestOptions.ProductLabel"/>), from which the router routes it. It must agree with that label when
/// both are given.</item>
/// <item><c>layer</c>: product|machinery|outcome; default: the <c>layer</c> label, else product.</item>
/// <item><c>status</c>: firing|resolved. When absent and <c>value</c> is given with a bound, it is derived: outside
/// [expectedMin, expectedMax] → firing, inside → resolved; otherwise firing.</item>
/// <item><c>severity</c>: info|warning|error|critical; default: the <c>severity</c> label mapped as for Alertmanager,
/// else warning.</item>
/// <item><c>summary</c>: one line; default: annotations.summary, annotations.description, then <c>name</c>.</item>
/// <item><c>labels</c>, <c>annotations</c>: objects of strings (numbers and booleans are kept as their JSON text).</item>
/// <item><c>value</c>, <c>expectedMin</c>, <c>expectedMax</c> (or <c>expected: {min, max}</c>, not both forms):
/// numbers; min must not exceed max.</item>
/// <item><c>fingerprint</c>: the symptom's identity; default: <see cref="LabelSetFingerprint"/> of the labels
/// including <c>alertname</c> and the product label, so the same label set sent through Alertmanager agrees.</item>
/// <item><c>time</c>: when it was observed (RFC 3339 or Unix seconds); default: receipt time. A resolved signal
/// ends then.</item>
/// <item><c>links</c>: <c>[{href, text}]</c>.</item>
/// </list>
/// </remarks>
internal static class GenericSignalParser
{
    public static ParseResult<IReadOnlyList<Signal>> Parse(JsonElement root, IngestContext context)
    {
        var errors = new IngestErrors();
        var signals = new List<Signal>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                var path = JsonFields.Element("", index++);
                if (JsonFields.IsObject(element, path, errors, "a signal object") && ParseSignal(element, path, context, errors) is { } signal)
                {
                    signals.Add(signal);
                }
            }
        }
        else if (JsonFields.IsObject(root, "", errors, "a signal object or an array of them") && ParseSignal(root, "", context, errors) is { } signal)
        {
            signals.Add(signal);
        }

        return ParseResult<IReadOnlyList<Signal>>.From(signals, errors);
    }

    private static Signal? ParseSignal(JsonElement element, string path, IngestContext context, IngestErrors errors)
    {
        var name = JsonFields.RequiredString(element, path, "name", errors);
        var product = JsonFields.String(element, path, "product", errors);
        var layer = JsonFields.Choice(element, path, "layer", errors, AlertLabels.LayerNames);
        var status = JsonFields.Choice(element, path, "status", errors, AlertLabels.StatusNames);
        var severity = JsonFields.Choice(element, path, "severity", errors, AlertLabels.SeverityNames);
        var summary = JsonFields.String(element, path, "summary", errors);
        var labels = JsonFields.StringMap(element, path, "labels", errors, scalars: true) ?? [];
        var annotations = JsonFields.StringMap(element, path, "annotations", errors, scalars: true) ?? [];
        var value = JsonFields.Number(element, path, "value", errors);
        var (min, max) = ExpectedRange(element, path, errors);
        var fingerprint = JsonFields.String(element, path, "fingerprint", errors);
        var time = JsonFields.Time(element, path, "time", errors, epochSeconds: true);
        var links = JsonFields.Links(element, path, "links", errors);

        Claim(labels, AlertLabels.AlertName, name, JsonFields.Member(path, "name"), errors);
        Claim(labels, context.ProductLabel, string.IsNullOrEmpty(product) ? null : product, JsonFields.Member(path, "product"), errors);
        if (name is null)
        {
            return null;
        }

        var resolved = status == SignalStatus.Resolved
            || (status is null && value is { } measured && (min is not null || max is not null) && !(measured < min || measured > max));
        var observedAt = time ?? context.ReceivedAt;
        return new Signal
        {
            Id = context.NewId(),
            Layer = layer ?? AlertLabels.LayerOf(labels),
            Fingerprint = string.IsNullOrEmpty(fingerprint) ? LabelSetFingerprint.Compute(labels) : fingerprint,
            Status = resolved ? SignalStatus.Resolved : SignalStatus.Firing,
            Severity = severity ?? AlertLabels.SeverityOf(labels),
            Summary = string.IsNullOrEmpty(summary) ? AlertLabels.SummaryOf(labels, annotations, name) : summary,
            Labels = labels,
            Annotations = annotations,
            Value = value,
            ExpectedMin = min,
            ExpectedMax = max,
            StartsAt = observedAt,
            EndsAt = resolved ? observedAt : null,
            ReceivedAt = context.ReceivedAt,
            Source = SignalSources.Generic,
            SourceIdentity = context.SourceIdentity,
            Links = links,
            RawPayload = element.GetRawText(),
        };
    }

    /// <summary>Puts a member's value into the label it stands for; a label that says otherwise is a conflict.</summary>
    private static void Claim(Dictionary<string, string> labels, string label, string? value, string field, IngestErrors errors)
    {
        if (value is null)
        {
            return;
        }

        if (labels.TryGetValue(label, out var existing) && !string.Equals(existing, value, StringComparison.Ordinal))
        {
            errors.Add(field, $"Conflicts with labels.{label} (\"{existing}\"): give the same value or only one of them.");
            return;
        }

        labels[label] = value;
    }

    private static (double? Min, double? Max) ExpectedRange(JsonElement element, string path, IngestErrors errors)
    {
        var min = JsonFields.Number(element, path, "expectedMin", errors);
        var max = JsonFields.Number(element, path, "expectedMax", errors);
        var field = JsonFields.Member(path, "expectedMin");
        if (JsonFields.TryGet(element, "expected", out var expected))
        {
            var expectedPath = JsonFields.Member(path, "expected");
            field = JsonFields.Member(expectedPath, "min");
            if (min is not null || max is not null)
            {
                errors.Add(expectedPath, "Give either expected: {min, max} or expectedMin/expectedMax, not both.");
            }
            else if (JsonFields.IsObject(expected, expectedPath, errors, "an object {min, max}"))
            {
                min = JsonFields.Number(expected, expectedPath, "min", errors);
                max = JsonFields.Number(expected, expectedPath, "max", errors);
            }
        }

        if (min > max)
        {
            errors.Add(field, $"Expected a minimum not above the maximum ({max}), found {min}.");
        }

        return (min, max);
    }
}
