using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Hosting;
using Ops.Grains.Messaging;
using Ops.Grains.Portfolio;
using Ops.Runtime;

namespace Ops.Grains.Builders;

/// <summary>
/// A builder team: the pages it received, its acknowledgements, its toil, and its load against its carrying
/// capacity (live products owned + weighted pages, incidents and toil over the trailing window).
/// </summary>
[GrainType("builder")]
public sealed class BuilderGrain(
    [PersistentState("pager")] IPersistentState<PagerState> state,
    ICatalogView catalog,
    DomainMessenger messenger,
    TimeProvider time,
    IOptions<OpsLoopOptions> options) : DomainGrain, IBuilderGrain, IInboxRecipient
{
    private string Name => this.GetPrimaryKeyString();

    public Task<PagerView> Get()
    {
        var snapshot = catalog.Current;
        var owned = snapshot.Products.Values
            .Where(p => p.Owner == Name && p.Lifecycle != Lifecycle.Retired)
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        var capacity = snapshot.Builders.GetValueOrDefault(Name)?.Capacity ?? 0;
        return Task.FromResult(Pager.View(Name, "builder", state.State, owned, capacity, options.Value, time.GetUtcNow()));
    }

    public Task RecordToil(string product, double minutes, string actor) =>
        ChangeAsync(() => RecordToilCoreAsync(product, minutes, actor));

    private async Task RecordToilCoreAsync(string product, double minutes, string actor)
    {
        if (minutes is <= 0 or > 24 * 60)
        {
            throw new ArgumentOutOfRangeException(nameof(minutes), minutes, "minutes must be between 0 and 1440.");
        }

        var now = time.GetUtcNow();
        var toil = new ToilEntry(product, minutes, actor, now);
        Pager.AddToil(state.State, toil);
        await messenger.SendAsync([messenger.To<IPortfolioGrain>(PortfolioGrain.Key, new TailEvent
        {
            MessageId = $"toil:{Name}:{now.UtcTicks}:{product}",
            At = now,
            Product = product,
            Kind = "toil",
            Amount = minutes,
        })]);
        await state.WriteStateAsync();
    }

    public Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken) =>
        Pager.ReceiveAsync(state, record, cancellationToken);
}
