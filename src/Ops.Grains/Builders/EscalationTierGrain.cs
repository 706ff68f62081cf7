using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Hosting;
using Ops.Runtime;

namespace Ops.Grains.Builders;

/// <summary>An escalation tier (architects, platform SRE): systemic incidents and missed acknowledgements are paged here.</summary>
[GrainType("escalation-tier")]
public sealed class EscalationTierGrain(
    [PersistentState("pager")] IPersistentState<PagerState> state,
    ICatalogView catalog,
    TimeProvider time,
    IOptions<OpsLoopOptions> options) : Grain, IEscalationTierGrain, IInboxRecipient
{
    public Task<PagerView> Get()
    {
        var name = this.GetPrimaryKeyString();
        var members = catalog.Current.Tiers.GetValueOrDefault(name)?.Members.Count ?? 0;
        return Task.FromResult(Pager.View(name, "tier", state.State, [], members, options.Value, time.GetUtcNow()));
    }

    public Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken) =>
        Pager.ReceiveAsync(state, record, cancellationToken);
}
