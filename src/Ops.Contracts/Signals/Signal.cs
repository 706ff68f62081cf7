using System.Text.Json.Serialization;

namespace Ops.Contracts.Signals;

/// <summary>Which of the three watched layers a signal is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SignalLayer>))]
public enum SignalLayer
{
    /// <summary>The product itself: errors, latency, uptime.</summary>
    Product,

    /// <summary>The machinery around it: ops agents, remediation executors, signal sources, the runtime.</summary>
    Machinery,

    /// <summary>The product's outcome: its leadership metric against the expected range.</summary>
    Outcome,
}

/// <summary>Whether the symptom a signal describes is present.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SignalStatus>))]
public enum SignalStatus
{
    Firing,
    Resolved,
}

/// <summary>The sender's own view of how bad it is (PagerDuty's four levels; Alertmanager labels map onto them).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SeverityHint>))]
public enum SeverityHint
{
    Info,
    Warning,
    Error,
    Critical,
}

/// <summary>The wire format a signal arrived in.</summary>
public static class SignalSources
{
    public const string AlertmanagerWebhook = "alertmanager-webhook";
    public const string AlertmanagerApi = "alertmanager-api";
    public const string PagerDuty = "pagerduty-events-v2";
    public const string Generic = "generic";
    public const string Heartbeat = "heartbeat";
}

/// <summary>A link the sender attached (dashboard, runbook, generator URL).</summary>
public sealed record SignalLink(string Href, string? Text);

/// <summary>
/// One normalised signal, whatever format it arrived in: the record the gateway appends to the product's durable
/// inbox and the product grain deduplicates by <see cref="Fingerprint"/>.
/// </summary>
public sealed record Signal
{
    /// <summary>Assigned by the gateway when the signal was accepted (unique per signal).</summary>
    public required string Id { get; init; }

    /// <summary>The product the signal is about; null when it could not be routed (kept as unrouted).</summary>
    public string? Product { get; init; }

    public SignalLayer Layer { get; init; } = SignalLayer.Product;

    /// <summary>
    /// The symptom's identity within the product: Alertmanager's label-set fingerprint (the same algorithm as
    /// Prometheus, so the webhook and the client API agree), PagerDuty's routing key + dedup key, or the sender's own.
    /// </summary>
    public required string Fingerprint { get; init; }

    public SignalStatus Status { get; init; } = SignalStatus.Firing;

    /// <summary>PagerDuty "acknowledge": the sender acknowledged the alert (no new notifications while acknowledged).</summary>
    public bool Acknowledged { get; init; }

    public SeverityHint Severity { get; init; } = SeverityHint.Warning;

    /// <summary>A one-line description (summary annotation, PagerDuty payload.summary).</summary>
    public string Summary { get; init; } = "";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The measured value, when the sender gave one (generic signals, outcome metrics).</summary>
    public double? Value { get; init; }

    /// <summary>For outcome signals: the range the value is expected to stay in.</summary>
    public double? ExpectedMin { get; init; }

    public double? ExpectedMax { get; init; }

    /// <summary>When the symptom started (sender's clock; receipt time when absent).</summary>
    public DateTimeOffset StartsAt { get; init; }

    /// <summary>When the symptom ends or ended; for Alertmanager client alerts, the time it lapses unless re-sent.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The wire format (<see cref="SignalSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>Who sent it: remote address and user agent, or the heartbeat source (kept for the later auth issue).</summary>
    public string? SourceIdentity { get; init; }

    /// <summary>PagerDuty routing key, when the signal came through Events v2.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>PagerDuty dedup key or Alertmanager group key.</summary>
    public string? DedupKey { get; init; }

    public IReadOnlyList<SignalLink> Links { get; init; } = [];

    /// <summary>The sender's JSON for this signal, verbatim (one alert of a batch, not the whole batch).</summary>
    public string? RawPayload { get; init; }

    /// <summary>
    /// The W3C traceparent of the ingest request that accepted the signal (null when nothing traces): the inbox
    /// delivery continues that trace (docs/observability.md).
    /// </summary>
    public string? TraceParent { get; init; }
}

/// <summary>A deploy or other change recorded on a product (PagerDuty change events; never pages).</summary>
public sealed record ChangeEvent
{
    public required string Id { get; init; }

    public string? Product { get; init; }

    public required string Summary { get; init; }

    public string? Source { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public string? RoutingKey { get; init; }

    /// <summary>payload.custom_details flattened to strings (e.g. version, commit).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<SignalLink> Links { get; init; } = [];

    public string? SourceIdentity { get; init; }

    public string? RawPayload { get; init; }
}
