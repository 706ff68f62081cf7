using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// Decides which catalog product a signal or change is about, from the catalog as it is now
/// (<see cref="ICatalogView.Current"/>). Names and aliases are matched ignoring case; routing keys exactly.
/// </summary>
/// <remarks>
/// In order, the first rule that applies decides:
/// <list type="number">
/// <item>the product label (<see cref="IngestOptions.ProductLabel"/>, default <c>product</c>): its value must be a
/// product name or alias — a product label naming no catalog product leaves the signal <b>unrouted</b> (kept for
/// an operator to see, never guessed onto another product);</item>
/// <item>the PagerDuty routing key, when it is one of a product's <see cref="ProductSpec.RoutingKeys"/>;</item>
/// <item>the labels <c>service</c>, <c>component</c> (PagerDuty's <c>payload.component</c>) and <c>app</c>, in that
/// order, matched against names and aliases;</item>
/// <item>otherwise unrouted (null).</item>
/// </list>
/// An alias two products claim goes to the first of them in ordinal name order.
/// </remarks>
public sealed class SignalRouter
{
    private static readonly string[] s_fallbackLabels = ["service", "component", "app"];

    private readonly ICatalogView _catalog;
    private readonly string _productLabel;
    private Lookup? _index;

    public SignalRouter(ICatalogView catalog, IOptions<IngestOptions> options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _productLabel = options.Value.ProductLabel;
    }

    /// <summary>The product <paramref name="signal"/> is about, or null when it cannot be routed.</summary>
    public string? Route(Signal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return Route(signal.Labels, signal.RoutingKey);
    }

    /// <summary>The product <paramref name="change"/> is about (its custom details play the labels' part), or null.</summary>
    public string? Route(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return Route(change.Details, change.RoutingKey);
    }

    /// <summary>The catalog name of the product called <paramref name="nameOrAlias"/>, or null when there is none.</summary>
    public string? FindProduct(string? nameOrAlias) =>
        nameOrAlias is { Length: > 0 } && Current().ByName.TryGetValue(nameOrAlias, out var product) ? product : null;

    private string? Route(IReadOnlyDictionary<string, string> labels, string? routingKey)
    {
        var index = Current();
        if (labels.TryGetValue(_productLabel, out var named) && named.Length > 0)
        {
            return index.ByName.GetValueOrDefault(named);
        }

        if (routingKey is { Length: > 0 } && index.ByRoutingKey.TryGetValue(routingKey, out var routed))
        {
            return routed;
        }

        foreach (var label in s_fallbackLabels)
        {
            if (labels.TryGetValue(label, out var value) && value.Length > 0 && index.ByName.TryGetValue(value, out var product))
            {
                return product;
            }
        }

        return null;
    }

    /// <summary>The lookup tables of the current snapshot, rebuilt when the catalog was replaced.</summary>
    private Lookup Current()
    {
        var snapshot = _catalog.Current;
        var index = Volatile.Read(ref _index);
        if (index is null || !ReferenceEquals(index.Snapshot, snapshot))
        {
            index = new Lookup(snapshot);
            Volatile.Write(ref _index, index);
        }

        return index;
    }

    private sealed class Lookup
    {
        public Lookup(CatalogSnapshot snapshot)
        {
            Snapshot = snapshot;
            var products = snapshot.Products.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            foreach (var product in products)
            {
                ByName[product.Name] = product.Name;
            }

            foreach (var product in products)
            {
                foreach (var alias in product.Aliases.Where(a => a.Length > 0))
                {
                    ByName.TryAdd(alias, product.Name);
                }

                foreach (var key in product.RoutingKeys.Where(k => k.Length > 0))
                {
                    ByRoutingKey.TryAdd(key, product.Name);
                }
            }
        }

        public CatalogSnapshot Snapshot { get; }

        public Dictionary<string, string> ByName { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, string> ByRoutingKey { get; } = new(StringComparer.Ordinal);
    }
}
