using Ops.Contracts.Grains;

namespace Ops.Grains.Notifications;

/// <summary>What a page or notice says, whatever channel carries it.</summary>
public sealed record PageNotice
{
    public required string IncidentId { get; init; }

    public required string Title { get; init; }

    public Severity Severity { get; init; }

    public BlastRadius BlastRadius { get; init; }

    /// <summary><c>paged</c>, <c>informed</c>, <c>escalated</c> or <c>approval-requested</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The builder or escalation tier it is addressed to.</summary>
    public required string Recipient { get; init; }

    /// <summary>The product the incident is attributed to.</summary>
    public string? Product { get; init; }

    /// <summary>Every product the incident touches.</summary>
    public IReadOnlyList<string> Products { get; init; } = [];

    public string? Summary { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Where to look at the incident (console or API URL).</summary>
    public string? Link { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>When an unacknowledged page escalates.</summary>
    public DateTimeOffset? AckDeadline { get; init; }
}
