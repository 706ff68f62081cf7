using Ops.Contracts.Signals;
using Ops.Grains.Messaging;

namespace Ops.Grains.Products;

/// <summary>The product grain's durable state.</summary>
public sealed class ProductState
{
    public Dictionary<string, SymptomState> Symptoms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The most recent changes, newest last.</summary>
    public List<ChangeEvent> Changes { get; set; } = [];

    public long SignalsReceived { get; set; }

    public long OccurrencesOpened { get; set; }

    public double? OutcomeValue { get; set; }

    public MessageLedger Ledger { get; set; } = new();
}

/// <summary>One fingerprint's state: the live symptom, deduplicated.</summary>
public sealed class SymptomState
{
    public string Fingerprint { get; set; } = "";

    public SignalLayer Layer { get; set; }

    public SignalStatus Status { get; set; }

    public SeverityHint Severity { get; set; }

    public string Summary { get; set; } = "";

    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);

    public double? Value { get; set; }

    /// <summary>How many times this fingerprint started firing.</summary>
    public int Occurrences { get; set; }

    public string? OccurrenceId { get; set; }

    public long SignalCount { get; set; }

    public bool Acknowledged { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    /// <summary>When a firing symptom lapses unless re-sent (Alertmanager client semantics).</summary>
    public DateTimeOffset? EndsAt { get; set; }

    public string? Source { get; set; }

    public string? SignalId { get; set; }

    /// <summary>The last signals (time, status, value), newest last: the signal-history diagnostic.</summary>
    public List<string> History { get; set; } = [];
}
