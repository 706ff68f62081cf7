using Ops.Runtime;

namespace Ops.Contracts.Grains;

/// <summary>A product (key: product name): symptom state deduplicated by fingerprint, changes, the tail ledger.</summary>
public interface IProductGrain : IGrainWithStringKey
{
    Task<ProductView> Get();
}

/// <summary>A product's ops agent (key: product name): runbooks, runs, verification, the rule-of-three ledger.</summary>
public interface IOpsAgentGrain : IGrainWithStringKey
{
    Task<OpsAgentView> Get();

    /// <summary>How many runs the agent started on or after <paramref name="since"/> (the portfolio's tail).</summary>
    Task<int> CountRunsSince(DateTimeOffset since);

    /// <summary>Approves a run waiting for approval (confirm-first) and executes it.</summary>
    Task<RunView> ApproveRun(string runId, string actor);

    /// <summary>Rejects a run waiting for approval; the symptom escalates to people.</summary>
    Task<RunView> RejectRun(string runId, string actor);

    /// <summary>approve = active in confirm-first mode; promote = automatic at once; reject = discarded.</summary>
    Task<PromotionView> DecidePromotion(string promotionId, string decision, string actor);
}

/// <summary>The cross-product correlator (singleton key "global"): decides blast radius and which incident a symptom joins.</summary>
public interface ICorrelationGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<string>> OpenIncidents();
}

/// <summary>An incident (key: incident id).</summary>
public interface IIncidentGrain : IGrainWithStringKey
{
    Task<IncidentView?> Get();

    Task<IncidentView> Acknowledge(string actor);

    Task<IncidentView> AddNote(string actor, string text);

    Task<IncidentView> Resolve(string actor, StructuredFix fix);
}

/// <summary>The list of incidents (singleton key "all").</summary>
public interface IIncidentIndexGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<IncidentSummary>> List(string? state, string? product, int limit);
}

/// <summary>A builder team (key: builder name): pages, acknowledgements, load against capacity.</summary>
public interface IBuilderGrain : IGrainWithStringKey
{
    Task<PagerView> Get();

    /// <summary>Records toil (minutes of manual work) on a product.</summary>
    Task RecordToil(string product, double minutes, string actor);
}

/// <summary>An escalation tier (key: tier name): architects / platform SRE; systemic incidents are paged here.</summary>
public interface IEscalationTierGrain : IGrainWithStringKey
{
    Task<PagerView> Get();
}

/// <summary>The portfolio (singleton key "portfolio"): tail against value, capacity recommendations.</summary>
public interface IPortfolioGrain : IGrainWithStringKey
{
    Task<PortfolioView> Get();
}

/// <summary>Signals nobody could route (singleton key "unrouted"): kept and visible, never dropped silently.</summary>
public interface IUnroutedSignalsGrain : IGrainWithStringKey
{
    Task<UnroutedView> Get(int limit);
}

/// <summary>A heartbeat source (key: source name): silence becomes a machinery-layer signal (dead-man switch).</summary>
public interface IHeartbeatGrain : IGrainWithStringKey
{
    Task<HeartbeatView> Get();
}

/// <summary>A heartbeat source's state.</summary>
public sealed record HeartbeatView(string Source, string? Product, TimeSpan Interval, DateTimeOffset? LastBeatAt, bool Silent, long Beats);

/// <summary>A beat as the gateway appends it.</summary>
public sealed record HeartbeatBeat(string Source, string? Product, TimeSpan Interval, DateTimeOffset ReceivedAt, string? SourceIdentity);
