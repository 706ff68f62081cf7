using Ops.Contracts.Grains;
using Ops.Grains.Messaging;
using Ops.Runtime;

namespace Ops.Grains.Incidents;

/// <summary>The list of incidents (singleton): summaries kept current by the incidents themselves.</summary>
[GrainType("incident-index")]
public sealed class IncidentIndexGrain([PersistentState("index")] IPersistentState<IncidentIndexState> state) : Grain, IIncidentIndexGrain, IInboxRecipient
{
    /// <summary>The singleton's key.</summary>
    public const string Key = "all";

    private const int MaxResolved = 5_000;

    public Task<IReadOnlyList<IncidentSummary>> List(string? stateFilter, string? product, int limit) =>
        Task.FromResult<IReadOnlyList<IncidentSummary>>([.. state.State.Incidents.Values
            .Where(i => stateFilter is null || i.State == stateFilter)
            .Where(i => product is null || i.Products.Contains(product))
            .OrderByDescending(i => i.OpenedAt)
            .Take(Math.Clamp(limit, 1, 1000))]);

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        if (InboxMessages.Decode(record) is not IncidentIndexed indexed)
        {
            return;
        }

        state.State.Incidents[indexed.Summary.IncidentId] = indexed.Summary;
        var resolved = state.State.Incidents.Values.Where(i => i.State == IncidentStates.Resolved).ToList();
        if (resolved.Count > MaxResolved)
        {
            foreach (var old in resolved.OrderBy(i => i.ResolvedAt).Take(resolved.Count - MaxResolved))
            {
                state.State.Incidents.Remove(old.IncidentId);
            }
        }

        await state.WriteStateAsync(cancellationToken);
    }
}

/// <summary>The index's durable state.</summary>
public sealed class IncidentIndexState
{
    public Dictionary<string, IncidentSummary> Incidents { get; set; } = new(StringComparer.Ordinal);
}
