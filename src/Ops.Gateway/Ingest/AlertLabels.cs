using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// How label conventions of Alertmanager-style senders map onto a normalised signal: the <c>severity</c> label onto
/// <see cref="SeverityHint"/>, the <c>layer</c> label onto <see cref="SignalLayer"/>, annotations onto the summary.
/// </summary>
internal static class AlertLabels
{
    public const string AlertName = "alertname";
    public const string Severity = "severity";
    public const string Layer = "layer";

    private static readonly Dictionary<string, SeverityHint> s_severities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = SeverityHint.Critical,
        ["page"] = SeverityHint.Critical,
        ["error"] = SeverityHint.Error,
        ["major"] = SeverityHint.Error,
        ["high"] = SeverityHint.Error,
        ["warning"] = SeverityHint.Warning,
        ["warn"] = SeverityHint.Warning,
        ["minor"] = SeverityHint.Warning,
        ["medium"] = SeverityHint.Warning,
        ["info"] = SeverityHint.Info,
        ["low"] = SeverityHint.Info,
        ["none"] = SeverityHint.Info,
    };

    /// <summary>The four levels by their names (info, warning, error, critical), for senders that name them exactly.</summary>
    public static readonly IReadOnlyDictionary<string, SeverityHint> SeverityNames = new Dictionary<string, SeverityHint>(StringComparer.OrdinalIgnoreCase)
    {
        ["info"] = SeverityHint.Info,
        ["warning"] = SeverityHint.Warning,
        ["error"] = SeverityHint.Error,
        ["critical"] = SeverityHint.Critical,
    };

    /// <summary>The layers by their names (product, machinery, outcome).</summary>
    public static readonly IReadOnlyDictionary<string, SignalLayer> LayerNames = new Dictionary<string, SignalLayer>(StringComparer.OrdinalIgnoreCase)
    {
        ["product"] = SignalLayer.Product,
        ["machinery"] = SignalLayer.Machinery,
        ["outcome"] = SignalLayer.Outcome,
    };

    /// <summary>Firing or resolved, by name.</summary>
    public static readonly IReadOnlyDictionary<string, SignalStatus> StatusNames = new Dictionary<string, SignalStatus>(StringComparer.OrdinalIgnoreCase)
    {
        ["firing"] = SignalStatus.Firing,
        ["resolved"] = SignalStatus.Resolved,
    };

    /// <summary>
    /// The <c>severity</c> label: critical|page → Critical; error|major|high → Error; warning|warn|minor|medium →
    /// Warning; info|low|none → Info (ignoring case); absent or anything else → Warning.
    /// </summary>
    public static SeverityHint SeverityOf(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(Severity, out var value) && s_severities.TryGetValue(value, out var severity) ? severity : SeverityHint.Warning;

    /// <summary>The <c>layer</c> label when it names a layer (ignoring case); otherwise <see cref="SignalLayer.Product"/>.</summary>
    public static SignalLayer LayerOf(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(Layer, out var value) && LayerNames.TryGetValue(value, out var layer) ? layer : SignalLayer.Product;

    /// <summary>annotations.summary ?? annotations.description ?? the alertname label ?? <paramref name="fallback"/>.</summary>
    public static string SummaryOf(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations, string fallback) =>
        NonEmpty(annotations, "summary") ?? NonEmpty(annotations, "description") ?? NonEmpty(labels, AlertName) ?? fallback;

    /// <summary>The conventional <c>runbook_url</c> annotation as a link, when present.</summary>
    public static void AddRunbookLink(List<SignalLink> links, IReadOnlyDictionary<string, string> annotations)
    {
        if (NonEmpty(annotations, "runbook_url") is { } runbook)
        {
            links.Add(new SignalLink(runbook, "runbook"));
        }
    }

    private static string? NonEmpty(IReadOnlyDictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
