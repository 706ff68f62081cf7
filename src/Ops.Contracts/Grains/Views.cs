using Ops.Contracts.Catalog;
using Ops.Contracts.Signals;

namespace Ops.Contracts.Grains;

/// <summary>One symptom of a product as the product grain tracks it (deduplicated by fingerprint).</summary>
public sealed record SymptomView
{
    public required string Fingerprint { get; init; }

    public SignalLayer Layer { get; init; }

    public SignalStatus Status { get; init; }

    public SeverityHint Severity { get; init; }

    public string Summary { get; init; } = "";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string? OccurrenceId { get; init; }

    public int Occurrences { get; init; }

    public long SignalCount { get; init; }

    public bool Acknowledged { get; init; }

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastSeen { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public string? Source { get; init; }
}

/// <summary>The product grain's live view: symptoms, changes, counters.</summary>
public sealed record ProductView
{
    public required string Product { get; init; }

    public IReadOnlyList<SymptomView> Symptoms { get; init; } = [];

    public IReadOnlyList<ChangeEvent> Changes { get; init; } = [];

    public long SignalsReceived { get; init; }

    public long OccurrencesOpened { get; init; }

    public double? OutcomeValue { get; init; }
}

/// <summary>The outcome of one runbook step.</summary>
public sealed record StepOutcome
{
    public required string Step { get; init; }

    public StepKind Kind { get; init; }

    public bool Succeeded { get; init; }

    /// <summary>What the step returned (response body or command output), truncated.</summary>
    public string Output { get; init; } = "";

    public int? StatusCode { get; init; }

    public int Attempts { get; init; }

    public double DurationMs { get; init; }

    public string? Error { get; init; }

    public required string IdempotencyKey { get; init; }
}

/// <summary>A runbook run's state.</summary>
public static class RunStates
{
    public const string AwaitingApproval = "awaiting-approval";
    public const string Running = "running";
    public const string Verifying = "verifying";
    public const string Verified = "verified";
    public const string Failed = "failed";
    public const string NotVerified = "not-verified";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
}

/// <summary>One run of a runbook for one occurrence.</summary>
public sealed record RunView
{
    public required string RunId { get; init; }

    public required string Runbook { get; init; }

    public int RunbookVersion { get; init; }

    public required string OccurrenceId { get; init; }

    public required string State { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public DateTimeOffset? VerifyBy { get; init; }

    public IReadOnlyList<StepOutcome> Diagnostics { get; init; } = [];

    public IReadOnlyList<StepOutcome> Remediation { get; init; } = [];

    public string? ApprovedBy { get; init; }
}

/// <summary>A rule-of-three proposal: a runbook version made from three equivalent human fixes.</summary>
public sealed record PromotionView
{
    public required string PromotionId { get; init; }

    public required string Product { get; init; }

    /// <summary><c>proposed</c>, <c>approved</c> (confirm-first), <c>promoted</c> (automatic) or <c>rejected</c>.</summary>
    public required string State { get; init; }

    public required RunbookSpec Runbook { get; init; }

    public IReadOnlyList<string> Incidents { get; init; } = [];

    public DateTimeOffset ProposedAt { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Approved runs that succeeded since approval (it becomes automatic at the configured count).</summary>
    public int SuccessfulApprovedRuns { get; init; }
}

/// <summary>Equivalent human fixes for one symptom class, and the promotion they produced.</summary>
public sealed record FixLedgerView(string SymptomClass, StructuredFix Fix, IReadOnlyList<string> Incidents, string? PromotionId);

/// <summary>The ops agent's view: its runbooks, runs, promotions, its own health.</summary>
public sealed record OpsAgentView
{
    public required string Product { get; init; }

    public IReadOnlyList<RunbookSpec> Runbooks { get; init; } = [];

    public IReadOnlyList<RunView> Runs { get; init; } = [];

    public IReadOnlyList<PromotionView> Promotions { get; init; } = [];

    /// <summary>The rule-of-three ledger: equivalent human fixes counted per symptom class.</summary>
    public IReadOnlyList<FixLedgerView> FixLedger { get; init; } = [];

    public int RunsSucceeded { get; init; }

    public int RunsFailed { get; init; }

    public int Escalations { get; init; }
}

/// <summary>One line of an incident's timeline.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Text, string? Actor = null);

/// <summary>A notification delivery attempt's outcome.</summary>
public sealed record DeliveryView
{
    public required string Channel { get; init; }

    public ChannelKind Kind { get; init; }

    public bool Delivered { get; init; }

    public int? StatusCode { get; init; }

    public int Attempts { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset At { get; init; }

    public required string IdempotencyKey { get; init; }
}

/// <summary>Who was paged or informed, when, and how delivery went.</summary>
public sealed record PageView
{
    /// <summary><c>builder</c> or <c>tier</c>.</summary>
    public required string RecipientKind { get; init; }

    public required string Recipient { get; init; }

    /// <summary><c>paged</c>, <c>informed</c> or <c>escalated</c>.</summary>
    public required string Reason { get; init; }

    public DateTimeOffset At { get; init; }

    public IReadOnlyList<DeliveryView> Deliveries { get; init; } = [];
}

/// <summary>Incident lifecycle states.</summary>
public static class IncidentStates
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
}

/// <summary>An incident in a list.</summary>
public sealed record IncidentSummary
{
    public required string IncidentId { get; init; }

    public required string Title { get; init; }

    public required string State { get; init; }

    public Severity Severity { get; init; }

    public BlastRadius BlastRadius { get; init; }

    public required string RootProduct { get; init; }

    public IReadOnlyList<string> Products { get; init; } = [];

    public DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }
}

/// <summary>The whole incident.</summary>
public sealed record IncidentView
{
    public required IncidentSummary Summary { get; init; }

    public IReadOnlyList<SymptomOccurrence> Symptoms { get; init; } = [];

    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    public IReadOnlyList<PageView> Pages { get; init; } = [];

    public DateTimeOffset? AckDeadline { get; init; }

    /// <summary>0 = the first recipient; each missed acknowledgement moves one step up.</summary>
    public int EscalationStep { get; init; }

    public string? AcknowledgedBy { get; init; }

    public string? ResolvedBy { get; init; }

    public StructuredFix? Fix { get; init; }

    public EscalationReason Reason { get; init; }

    public string? RunId { get; init; }
}

/// <summary>A page as the builder / tier sees it.</summary>
public sealed record PagerEntry(string IncidentId, string Title, Severity Severity, string Reason, DateTimeOffset At, string? Product, DateTimeOffset? AcknowledgedAt);

/// <summary>A builder (or escalation tier) with its pages and load.</summary>
public sealed record PagerView
{
    public required string Name { get; init; }

    /// <summary><c>builder</c> or <c>tier</c>.</summary>
    public required string Kind { get; init; }

    public IReadOnlyList<PagerEntry> Pages { get; init; } = [];

    public IReadOnlyList<string> OwnedProducts { get; init; } = [];

    public double Capacity { get; init; }

    /// <summary>Live products owned + weighted pages, incidents and toil over the trailing window.</summary>
    public double Load { get; init; }

    public int PagesInWindow { get; init; }

    public int IncidentsInWindow { get; init; }

    public double ToilMinutesInWindow { get; init; }
}

/// <summary>A product's maintenance tail against its value.</summary>
public sealed record PortfolioEntry
{
    public required string Product { get; init; }

    public required string Owner { get; init; }

    public Lifecycle Lifecycle { get; init; }

    public decimal Value { get; init; }

    public int Incidents { get; init; }

    public int Pages { get; init; }

    public int Runs { get; init; }

    public double ToilMinutes { get; init; }

    /// <summary>Weighted tail cost (hours of human attention).</summary>
    public double TailCost { get; init; }

    /// <summary><c>keep</c>, <c>simplify</c> or <c>retire</c>.</summary>
    public required string Recommendation { get; init; }

    public string? Why { get; init; }
}

/// <summary>A capacity recommendation.</summary>
public sealed record CapacityRecommendation(string Kind, string Builder, string? Product, string? To, string Why);

/// <summary>The portfolio: products ranked by tail against value, and capacity recommendations.</summary>
public sealed record PortfolioView
{
    public IReadOnlyList<PortfolioEntry> Products { get; init; } = [];

    public IReadOnlyList<CapacityRecommendation> Recommendations { get; init; } = [];

    public int WindowDays { get; init; }
}

/// <summary>A signal nobody could route, kept and visible.</summary>
public sealed record UnroutedView
{
    public long Total { get; init; }

    public IReadOnlyList<Signal> Recent { get; init; } = [];
}
