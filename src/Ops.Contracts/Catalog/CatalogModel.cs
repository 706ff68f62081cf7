using System.Text.Json.Serialization;
using Ops.Contracts.Signals;

namespace Ops.Contracts.Catalog;

/// <summary>Where a product is in its life (Backstage's lifecycle, plus retired).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Lifecycle>))]
public enum Lifecycle
{
    Experimental,
    Production,
    Deprecated,
    Retired,
}

/// <summary>A product others build on (platform) or one that serves users (service).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProductKind>))]
public enum ProductKind
{
    Service,
    Platform,
}

/// <summary>How an outbound notification is shaped.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChannelKind>))]
public enum ChannelKind
{
    /// <summary>Generic JSON webhook (our own page document).</summary>
    Webhook,

    /// <summary>Slack-compatible incoming webhook (<c>text</c> + blocks).</summary>
    Slack,

    /// <summary>Microsoft Teams-compatible incoming webhook (MessageCard).</summary>
    Teams,
}

/// <summary>Where the catalog entry was declared: a YAML file and line, or the API.</summary>
public sealed record SourceLocation(string File, int Line)
{
    public static readonly SourceLocation Api = new("api", 0);

    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;
}

/// <summary>A person on a builder team or an escalation tier.</summary>
public sealed record MemberSpec(string Name, string? Email = null);

/// <summary>An outbound notification channel.</summary>
public sealed record ChannelSpec(ChannelKind Kind, string Url, string? Name = null);

/// <summary>The product's leadership metric and the range it should stay in.</summary>
public sealed record OutcomeSpec(string Metric, double? Min, double? Max);

/// <summary>An HTTP endpoint the runtime calls (a remediation target, a rollback hook, a probe).</summary>
public sealed record HttpCallSpec
{
    public required string Url { get; init; }

    public string Method { get; init; } = "POST";

    /// <summary>Request body (JSON text); <c>{{label.x}}</c> / <c>{{product}}</c> templates are filled from the symptom.</summary>
    public string? Body { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>A catalog product: ownership, dependencies, value, routing.</summary>
public sealed record ProductSpec
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The owning builder (team id).</summary>
    public required string Owner { get; init; }

    public Lifecycle Lifecycle { get; init; } = Lifecycle.Production;

    public string? System { get; init; }

    public ProductKind Kind { get; init; } = ProductKind.Service;

    /// <summary>1 = most critical; 3 = least. Drives severity.</summary>
    public int Tier { get; init; } = 2;

    /// <summary>Products this one depends on (names).</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Declared value per year in the portfolio's currency unit.</summary>
    public decimal Value { get; init; }

    public OutcomeSpec? Outcome { get; init; }

    /// <summary>PagerDuty Events v2 integration keys that route to this product.</summary>
    public IReadOnlyList<string> RoutingKeys { get; init; } = [];

    /// <summary>Other names senders use for it (service / component labels).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The hook that rolls back the product's last change.</summary>
    public HttpCallSpec? Rollback { get; init; }

    /// <summary>Escalation tier for systemic incidents; the catalog's default tier when null.</summary>
    public string? EscalationTier { get; init; }

    public SourceLocation? DeclaredAt { get; init; }
}

/// <summary>A builder (team): who gets paged for their products, and how much they can carry.</summary>
public sealed record BuilderSpec
{
    public required string Name { get; init; }

    public string? DisplayName { get; init; }

    /// <summary>Carrying capacity in load units (a live product is 1; pages, incidents and toil add to it).</summary>
    public double Capacity { get; init; } = 5;

    public IReadOnlyList<MemberSpec> Members { get; init; } = [];

    public IReadOnlyList<ChannelSpec> Channels { get; init; } = [];

    /// <summary>The tier a missed acknowledgement escalates to (the catalog's default tier when null).</summary>
    public string? EscalatesTo { get; init; }

    public SourceLocation? DeclaredAt { get; init; }
}

/// <summary>An escalation tier: architects, platform SRE.</summary>
public sealed record EscalationTierSpec
{
    public required string Name { get; init; }

    public string? DisplayName { get; init; }

    public IReadOnlyList<MemberSpec> Members { get; init; } = [];

    public IReadOnlyList<ChannelSpec> Channels { get; init; } = [];

    /// <summary>The next tier when this one misses an acknowledgement; null = last.</summary>
    public string? Next { get; init; }

    /// <summary>The tier that receives systemic incidents when a product names none.</summary>
    public bool Default { get; init; }

    public SourceLocation? DeclaredAt { get; init; }
}

/// <summary>Whether a runbook acts on its own or proposes and waits for the owner's approval.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunbookMode>))]
public enum RunbookMode
{
    Automatic,
    ConfirmFirst,
}

/// <summary>What a runbook applies to.</summary>
public sealed record RunbookMatch
{
    public SignalLayer? Layer { get; init; }

    /// <summary>Labels that must be equal; a value may be a glob (<c>*</c>, <c>?</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>A glob over the signal's fingerprint.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Severities it applies to; empty = any.</summary>
    public IReadOnlyList<SeverityHint> Severities { get; init; } = [];
}

/// <summary>The kind of a diagnostic or remediation step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepKind>))]
public enum StepKind
{
    /// <summary>An HTTP call (probe for diagnostics, action for remediation).</summary>
    Http,

    /// <summary>A command from the silo's allow-list, with a timeout.</summary>
    Command,

    /// <summary>Roll back the product's last change through its configured hook.</summary>
    Rollback,

    /// <summary>Diagnostics only: the symptom's recent signal history.</summary>
    SignalHistory,
}

/// <summary>One diagnostic or remediation step.</summary>
public sealed record RunbookStep
{
    public required string Name { get; init; }

    public StepKind Kind { get; init; }

    public HttpCallSpec? Http { get; init; }

    /// <summary>The allow-listed command's name (silo configuration maps it to an executable).</summary>
    public string? Command { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>How a runbook proves its remediation worked.</summary>
public sealed record VerificationSpec
{
    /// <summary>The triggering symptom must resolve within this window, otherwise the run escalates.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>Limits that keep a runbook from doing harm.</summary>
public sealed record GuardrailSpec
{
    public int MaxRunsPerHour { get; init; } = 6;

    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>A runbook: match, diagnose, remediate, verify, within guard rails.</summary>
public sealed record RunbookSpec
{
    public required string Name { get; init; }

    public required string Product { get; init; }

    public int Version { get; init; } = 1;

    public string? Description { get; init; }

    public RunbookMode Mode { get; init; } = RunbookMode.Automatic;

    public RunbookMatch Match { get; init; } = new();

    public IReadOnlyList<RunbookStep> Diagnostics { get; init; } = [];

    public IReadOnlyList<RunbookStep> Remediation { get; init; } = [];

    public VerificationSpec Verification { get; init; } = new();

    public GuardrailSpec Guardrails { get; init; } = new();

    public SourceLocation? DeclaredAt { get; init; }
}

/// <summary>The whole catalog at one moment: what the silo loaded from <c>silo-config/</c> plus API changes.</summary>
public sealed record CatalogSnapshot
{
    public static readonly CatalogSnapshot Empty = new();

    public IReadOnlyDictionary<string, ProductSpec> Products { get; init; } = new Dictionary<string, ProductSpec>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, BuilderSpec> Builders { get; init; } = new Dictionary<string, BuilderSpec>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, EscalationTierSpec> Tiers { get; init; } = new Dictionary<string, EscalationTierSpec>(StringComparer.Ordinal);

    public IReadOnlyList<RunbookSpec> Runbooks { get; init; } = [];
}
