using Ops.Contracts.Grains;
using Ops.Grains.Messaging;

namespace Ops.Grains.Incidents;

/// <summary>The incident grain's durable state.</summary>
public sealed class IncidentState
{
    public bool Opened { get; set; }

    public string Title { get; set; } = "";

    public string State { get; set; } = IncidentStates.Open;

    public Severity Severity { get; set; } = Severity.Sev3;

    public BlastRadius BlastRadius { get; set; }

    public string RootProduct { get; set; } = "";

    public List<string> Products { get; set; } = [];

    public List<SymptomOccurrence> Symptoms { get; set; } = [];

    public List<TimelineEntry> Timeline { get; set; } = [];

    public List<PageState> Pages { get; set; } = [];

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset? AckDeadline { get; set; }

    public int EscalationStep { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? ResolvedBy { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public StructuredFix? Fix { get; set; }

    public EscalationReason Reason { get; set; }

    public string? RunId { get; set; }

    public MessageLedger Ledger { get; set; } = new();
}

/// <summary>A page or notice to one recipient and its deliveries (empty until sent: resumed after a crash).</summary>
public sealed class PageState
{
    public string RecipientKind { get; set; } = "builder";

    public string Recipient { get; set; } = "";

    public string Reason { get; set; } = "paged";

    public DateTimeOffset At { get; set; }

    /// <summary>The page's number in this incident: part of every delivery's idempotency key.</summary>
    public int Sequence { get; set; }

    public bool Sent { get; set; }

    public List<DeliveryView> Deliveries { get; set; } = [];

    public PageView ToView() => new()
    {
        RecipientKind = RecipientKind,
        Recipient = Recipient,
        Reason = Reason,
        At = At,
        Deliveries = Deliveries,
    };
}
