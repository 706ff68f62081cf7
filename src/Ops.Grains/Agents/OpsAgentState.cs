using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Grains.Messaging;

namespace Ops.Grains.Agents;

/// <summary>The ops agent's durable state.</summary>
public sealed class OpsAgentState
{
    /// <summary>Runs, oldest first (bounded; unfinished runs are never dropped).</summary>
    public List<RunState> Runs { get; set; } = [];

    /// <summary>Occurrences still firing that the agent handled, by occurrence id.</summary>
    public Dictionary<string, OpenOccurrence> Open { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Occurrences already handled (a run is never repeated for the same occurrence), newest last.</summary>
    public List<string> Handled { get; set; } = [];

    /// <summary>The rule-of-three ledger: equivalent human fixes per symptom class.</summary>
    public Dictionary<string, FixLedgerEntry> Fixes { get; set; } = new(StringComparer.Ordinal);

    public List<PromotionState> Promotions { get; set; } = [];

    public ChangeEvent? LastChange { get; set; }

    /// <summary>Runs started per day (days since the Unix epoch): the portfolio reads the tail from here.</summary>
    public Dictionary<int, int> RunsByDay { get; set; } = [];

    public int RunsSucceeded { get; set; }

    public int RunsFailed { get; set; }

    public int Escalations { get; set; }

    public MessageLedger Ledger { get; set; } = new();
}

/// <summary>An occurrence the agent is following until it resolves.</summary>
public sealed class OpenOccurrence
{
    public SymptomOccurrence Occurrence { get; set; } = null!;

    public string? RunId { get; set; }

    /// <summary>Set once escalated: the symptom's resolution is reported to the incident through correlation.</summary>
    public bool Escalated { get; set; }
}

/// <summary>One run of a runbook.</summary>
public sealed class RunState
{
    public string RunId { get; set; } = "";

    public RunbookSpec Runbook { get; set; } = null!;

    public string? PromotionId { get; set; }

    public SymptomOccurrence Occurrence { get; set; } = null!;

    public string State { get; set; } = RunStates.Running;

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset? VerifyBy { get; set; }

    public List<StepOutcome> Diagnostics { get; set; } = [];

    public List<StepOutcome> Remediation { get; set; } = [];

    public string? ApprovedBy { get; set; }

    /// <summary>The owner was asked to approve (false until the notice was sent: resumed after a crash).</summary>
    public bool ApprovalRequested { get; set; }

    public List<string> History { get; set; } = [];

    public RunView ToView() => new()
    {
        RunId = RunId,
        Runbook = Runbook.Name,
        RunbookVersion = Runbook.Version,
        OccurrenceId = Occurrence.OccurrenceId,
        State = State,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        VerifyBy = VerifyBy,
        Diagnostics = Diagnostics,
        Remediation = Remediation,
        ApprovedBy = ApprovedBy,
    };
}

/// <summary>Equivalent fixes recorded for one symptom class.</summary>
public sealed class FixLedgerEntry
{
    public string SymptomClass { get; set; } = "";

    public SignalLayer Layer { get; set; }

    /// <summary>The symptom class's labels (volatile labels removed).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The fix with volatile label values replaced by templates.</summary>
    public StructuredFix Fix { get; set; } = null!;

    public List<string> Incidents { get; set; } = [];

    public string? PromotionId { get; set; }
}

/// <summary>A promotion proposal and its decision.</summary>
public sealed class PromotionState
{
    public string PromotionId { get; set; } = "";

    public string State { get; set; } = PromotionStates.Proposed;

    public RunbookSpec Runbook { get; set; } = null!;

    public List<string> Incidents { get; set; } = [];

    public DateTimeOffset ProposedAt { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public int SuccessfulApprovedRuns { get; set; }

    /// <summary>The owner was told about the proposal (false until the notice was sent: resumed after a crash).</summary>
    public bool OwnerNotified { get; set; }

    /// <summary>The occurrence whose fix completed the count (the notice describes it).</summary>
    public SymptomOccurrence? Example { get; set; }

    public PromotionView ToView(string product) => new()
    {
        PromotionId = PromotionId,
        Product = product,
        State = State,
        Runbook = Runbook,
        Incidents = Incidents,
        ProposedAt = ProposedAt,
        DecidedBy = DecidedBy,
        DecidedAt = DecidedAt,
        SuccessfulApprovedRuns = SuccessfulApprovedRuns,
    };
}

/// <summary>The states of a promotion.</summary>
public static class PromotionStates
{
    public const string Proposed = "proposed";
    public const string Approved = "approved";
    public const string Promoted = "promoted";
    public const string Rejected = "rejected";
}
