using System.Text.Json.Serialization;
using Ops.Contracts.Signals;

namespace Ops.Contracts.Grains;

/// <summary>
/// A fact one grain sends another through the durable inbox. <see cref="MessageId"/> is deterministic (derived
/// from what caused it), so a sender that re-sends after a crash produces the same id and the recipient applies it once.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(OccurrenceOpened), "occurrence-opened")]
[JsonDerivedType(typeof(OccurrenceResolved), "occurrence-resolved")]
[JsonDerivedType(typeof(OccurrenceAcknowledged), "occurrence-acknowledged")]
[JsonDerivedType(typeof(NovelSymptom), "novel-symptom")]
[JsonDerivedType(typeof(OpenIncident), "open-incident")]
[JsonDerivedType(typeof(AttachSymptom), "attach-symptom")]
[JsonDerivedType(typeof(SymptomCleared), "symptom-cleared")]
[JsonDerivedType(typeof(IncidentClosed), "incident-closed")]
[JsonDerivedType(typeof(FixRecorded), "fix-recorded")]
[JsonDerivedType(typeof(PageRecorded), "page-recorded")]
[JsonDerivedType(typeof(PageAcknowledged), "page-acknowledged")]
[JsonDerivedType(typeof(TailEvent), "tail-event")]
[JsonDerivedType(typeof(IncidentIndexed), "incident-indexed")]
public abstract record DomainMessage
{
    public required string MessageId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The W3C traceparent of the turn that sent it (set by the messenger; null when nothing traces).</summary>
    public string? TraceParent { get; init; }
}

/// <summary>One symptom occurrence: a fingerprint going from not firing to firing, until it resolves.</summary>
public sealed record SymptomOccurrence
{
    /// <summary><c>{product}/{fingerprint}/{n}</c>: the n-th time this symptom fired.</summary>
    public required string OccurrenceId { get; init; }

    public required string Product { get; init; }

    public required string Fingerprint { get; init; }

    public SignalLayer Layer { get; init; }

    public SeverityHint Severity { get; init; }

    public string Summary { get; init; } = "";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public double? Value { get; init; }

    public DateTimeOffset StartsAt { get; init; }

    /// <summary>The signal that opened it.</summary>
    public string? SignalId { get; init; }

    public string? Source { get; init; }
}

/// <summary>Product → ops agent: a symptom started firing (the last change is attached for rollback).</summary>
public sealed record OccurrenceOpened : DomainMessage
{
    public required SymptomOccurrence Occurrence { get; init; }

    public ChangeEvent? LastChange { get; init; }

    /// <summary>Recent signal history of this fingerprint (for the signal-history diagnostic).</summary>
    public IReadOnlyList<string> History { get; init; } = [];
}

/// <summary>Product → ops agent: the symptom stopped firing.</summary>
public sealed record OccurrenceResolved : DomainMessage
{
    public required string OccurrenceId { get; init; }

    public required string Product { get; init; }

    public required string Fingerprint { get; init; }
}

/// <summary>Product → ops agent: the sender acknowledged the alert (PagerDuty acknowledge).</summary>
public sealed record OccurrenceAcknowledged : DomainMessage
{
    public required string OccurrenceId { get; init; }

    public required string Product { get; init; }

    public string? Actor { get; init; }
}

/// <summary>Why a symptom needs people.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EscalationReason>))]
public enum EscalationReason
{
    NoRunbook,
    RemediationFailed,
    NotVerified,
    GuardRail,
    AwaitingApproval,
}

/// <summary>Ops agent → correlation: a symptom the agent could not absorb.</summary>
public sealed record NovelSymptom : DomainMessage
{
    public required SymptomOccurrence Occurrence { get; init; }

    public EscalationReason Reason { get; init; }

    public string? Detail { get; init; }

    public string? RunId { get; init; }
}

/// <summary>How far a failure reaches.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BlastRadius>))]
public enum BlastRadius
{
    /// <summary>Contained to one product: its builder is paged.</summary>
    Product,

    /// <summary>Several products hurting through a common dependency: the escalation tier is paged.</summary>
    CrossProduct,

    /// <summary>A shared platform component itself: the escalation tier is paged.</summary>
    Platform,
}

/// <summary>Sev1 (worst) to Sev3.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    Sev1 = 1,
    Sev2 = 2,
    Sev3 = 3,
}

/// <summary>Correlation → incident: open (or widen) the incident for a common cause.</summary>
public sealed record OpenIncident : DomainMessage
{
    public required SymptomOccurrence Occurrence { get; init; }

    public BlastRadius BlastRadius { get; init; }

    /// <summary>The product the failure is attributed to (the shared component for cross-product / platform).</summary>
    public required string RootProduct { get; init; }

    public EscalationReason Reason { get; init; }

    public string? Detail { get; init; }

    public string? RunId { get; init; }
}

/// <summary>Correlation → incident: another symptom belongs to this incident (no new incident, no new page).</summary>
public sealed record AttachSymptom : DomainMessage
{
    public required SymptomOccurrence Occurrence { get; init; }

    /// <summary>When the incident must widen (a second dependent hurting), the new radius and root.</summary>
    public BlastRadius? WidenTo { get; init; }

    public string? RootProduct { get; init; }

    public EscalationReason Reason { get; init; }
}

/// <summary>Ops agent → incident: one of its symptoms resolved (recorded on the timeline).</summary>
public sealed record SymptomCleared : DomainMessage
{
    public required string OccurrenceId { get; init; }

    public required string Product { get; init; }
}

/// <summary>Incident → correlation: the incident was resolved; stop attaching to it.</summary>
public sealed record IncidentClosed : DomainMessage
{
    public required string IncidentId { get; init; }
}

/// <summary>What a human did to fix a symptom, in a form the agent can learn from.</summary>
public sealed record StructuredFix
{
    /// <summary><c>http</c>, <c>command</c>, <c>rollback</c> or <c>manual</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The URL (http), allow-listed command name (command), or product (rollback).</summary>
    public string Target { get; init; } = "";

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public string? Text { get; init; }
}

/// <summary>Incident → ops agent: a human resolved a symptom of this product with a fix (rule of three).</summary>
public sealed record FixRecorded : DomainMessage
{
    public required string IncidentId { get; init; }

    public required SymptomOccurrence Occurrence { get; init; }

    public required StructuredFix Fix { get; init; }

    public required string Actor { get; init; }
}

/// <summary>Incident → builder / tier: a page or notice was sent (load accounting, the pager's view).</summary>
public sealed record PageRecorded : DomainMessage
{
    public required string IncidentId { get; init; }

    public required string Title { get; init; }

    public Severity Severity { get; init; }

    /// <summary><c>paged</c>, <c>informed</c>, <c>escalated</c> or <c>approval-requested</c>.</summary>
    public required string Reason { get; init; }

    public string? Product { get; init; }
}

/// <summary>Incident → builder / tier: the page was acknowledged.</summary>
public sealed record PageAcknowledged : DomainMessage
{
    public required string IncidentId { get; init; }

    public required string Actor { get; init; }
}

/// <summary>Anything → portfolio: one unit of a product's maintenance tail.</summary>
public sealed record TailEvent : DomainMessage
{
    public required string Product { get; init; }

    /// <summary><c>incident</c>, <c>page</c>, <c>run</c> or <c>toil</c> (toil counts minutes).</summary>
    public required string Kind { get; init; }

    public double Amount { get; init; } = 1;
}

/// <summary>Incident → incident index: the incident's summary changed.</summary>
public sealed record IncidentIndexed : DomainMessage
{
    public required IncidentSummary Summary { get; init; }
}
