using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Hosting;
using Ops.Grains.Messaging;
using Ops.Runtime;

namespace Ops.Grains.Portfolio;

/// <summary>
/// The portfolio: every product's maintenance tail (incidents, pages, remediation runs, toil) over a trailing
/// window against its declared value, with keep / simplify / retire recommendations, and capacity recommendations
/// (transfer a product to a builder with room, or retire) for builders over their carrying capacity. Incidents, pages
/// and toil arrive as messages; remediation runs are counted by the agents and, like builders' load, asked for when
/// the portfolio is read.
/// </summary>
[GrainType("portfolio")]
public sealed class PortfolioGrain(
    [PersistentState("portfolio")] IPersistentState<PortfolioState> state,
    ICatalogView catalog,
    TimeProvider time,
    IOptions<OpsLoopOptions> options) : Grain, IPortfolioGrain, IInboxRecipient
{
    /// <summary>The singleton's key.</summary>
    public const string Key = "portfolio";

    /// <summary>Hours of attention per unit of tail: an incident, a page, a run (toil counts its own minutes).</summary>
    public const double HoursPerIncident = 2, HoursPerPage = 0.5, HoursPerRun = 0.05;

    public async Task<PortfolioView> Get()
    {
        var snapshot = catalog.Current;
        var today = Day(time.GetUtcNow());
        var windowDays = options.Value.PortfolioWindowDays;
        var entries = new List<PortfolioEntry>();
        foreach (var product in snapshot.Products.Values)
        {
            var tail = new TailCounts();
            if (state.State.Tail.TryGetValue(product.Name, out var days))
            {
                foreach (var (day, counts) in days)
                {
                    if (day > today - windowDays)
                    {
                        tail.Add(counts);
                    }
                }
            }

            // Runs are counted by each product's agent (one grain write per run would make this singleton a hot spot).
            tail.Runs += await GrainFactory.GetGrain<IOpsAgentGrain>(product.Name).CountRunsSince(DateTimeOffset.FromUnixTimeSeconds((long)(today - windowDays + 1) * 86_400));
            var cost = (tail.Incidents * HoursPerIncident) + (tail.Pages * HoursPerPage) + (tail.Runs * HoursPerRun) + (tail.ToilMinutes / 60);
            var (recommendation, why) = Recommend(product, cost);
            entries.Add(new PortfolioEntry
            {
                Product = product.Name,
                Owner = product.Owner,
                Lifecycle = product.Lifecycle,
                Value = product.Value,
                Incidents = tail.Incidents,
                Pages = tail.Pages,
                Runs = tail.Runs,
                ToilMinutes = tail.ToilMinutes,
                TailCost = Math.Round(cost, 2),
                Recommendation = recommendation,
                Why = why,
            });
        }

        var builders = new List<PagerView>();
        foreach (var builder in snapshot.Builders.Keys.Order(StringComparer.Ordinal))
        {
            builders.Add(await GrainFactory.GetGrain<IBuilderGrain>(builder).Get());
        }

        return new PortfolioView
        {
            Products = [.. entries.OrderByDescending(e => e.TailCost).ThenBy(e => e.Product, StringComparer.Ordinal)],
            Recommendations = Capacity(builders, entries),
            WindowDays = windowDays,
        };
    }

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        var message = InboxMessages.Decode(record);
        if (message is not TailEvent tail || state.State.Ledger.SeenBefore(message.MessageId))
        {
            return;
        }

        var day = Day(tail.At);
        if (!state.State.Tail.TryGetValue(tail.Product, out var days))
        {
            days = [];
            state.State.Tail[tail.Product] = days;
        }

        if (!days.TryGetValue(day, out var counts))
        {
            counts = new TailCounts();
            days[day] = counts;
        }

        switch (tail.Kind)
        {
            case "incident": counts.Incidents += (int)tail.Amount; break;
            case "page": counts.Pages += (int)tail.Amount; break;
            case "run": counts.Runs += (int)tail.Amount; break;
            case "toil": counts.ToilMinutes += tail.Amount; break;
            default: break;
        }

        foreach (var old in days.Keys.Where(d => d <= day - 366).ToList())
        {
            days.Remove(old);
        }

        await state.WriteStateAsync(cancellationToken);
    }

    private (string Recommendation, string? Why) Recommend(ProductSpec product, double cost)
    {
        if (product.Lifecycle == Lifecycle.Retired)
        {
            return ("retired", null);
        }

        var high = cost >= options.Value.HighTailHours;
        if (high && ((double)product.Value < options.Value.LowValue || product.Lifecycle == Lifecycle.Deprecated))
        {
            return ("retire", $"{cost:0.#} h of attention in the window against a declared value of {product.Value:0}");
        }

        return high
            ? ("simplify", $"{cost:0.#} h of attention in the window (threshold {options.Value.HighTailHours:0.#} h)")
            : ("keep", null);
    }

    private static List<CapacityRecommendation> Capacity(List<PagerView> builders, List<PortfolioEntry> products)
    {
        var recommendations = new List<CapacityRecommendation>();
        foreach (var builder in builders.Where(b => b.Capacity > 0 && b.Load > b.Capacity))
        {
            var owned = products.Where(p => p.Owner == builder.Name && p.Lifecycle != Lifecycle.Retired).OrderByDescending(p => p.TailCost).ToList();
            if (owned.FirstOrDefault(p => p.Recommendation == "retire") is { } retire)
            {
                recommendations.Add(new CapacityRecommendation("retire", builder.Name, retire.Product, null,
                    $"{builder.Name} carries {builder.Load:0.#} of {builder.Capacity:0.#}; {retire.Product} costs {retire.TailCost:0.#} h for a value of {retire.Value:0}"));
                continue;
            }

            var candidate = owned.FirstOrDefault();
            var receiver = builders.Where(b => b.Name != builder.Name && b.Capacity - b.Load >= 1).OrderByDescending(b => b.Capacity - b.Load).FirstOrDefault();
            if (candidate is not null && receiver is not null)
            {
                recommendations.Add(new CapacityRecommendation("transfer", builder.Name, candidate.Product, receiver.Name,
                    $"{builder.Name} carries {builder.Load:0.#} of {builder.Capacity:0.#}; {receiver.Name} has {receiver.Capacity - receiver.Load:0.#} spare"));
            }
            else
            {
                recommendations.Add(new CapacityRecommendation("add-capacity", builder.Name, null, null,
                    $"{builder.Name} carries {builder.Load:0.#} of {builder.Capacity:0.#} and no builder has room"));
            }
        }

        return recommendations;
    }

    private static int Day(DateTimeOffset at) => (int)(at.ToUnixTimeSeconds() / 86_400);
}

/// <summary>The portfolio's durable state: tail counts per product per day.</summary>
public sealed class PortfolioState
{
    public Dictionary<string, Dictionary<int, TailCounts>> Tail { get; set; } = new(StringComparer.Ordinal);

    public MessageLedger Ledger { get; set; } = new();
}

/// <summary>One day's tail of one product.</summary>
public sealed class TailCounts
{
    public int Incidents { get; set; }

    public int Pages { get; set; }

    public int Runs { get; set; }

    public double ToilMinutes { get; set; }

    public void Add(TailCounts other)
    {
        Incidents += other.Incidents;
        Pages += other.Pages;
        Runs += other.Runs;
        ToilMinutes += other.ToilMinutes;
    }
}
