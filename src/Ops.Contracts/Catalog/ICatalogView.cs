namespace Ops.Contracts.Catalog;

/// <summary>
/// The catalog as the silo currently knows it (YAML under <c>silo-config/</c> plus changes made through the API).
/// Configuration, not grain state: every grain may read it.
/// </summary>
public interface ICatalogView
{
    CatalogSnapshot Current { get; }

    /// <summary>Raised after a reload or an API change replaced <see cref="Current"/>.</summary>
    event Action<CatalogSnapshot>? Changed;
}

/// <summary>Lookups every consumer of the catalog needs.</summary>
public static class CatalogSnapshotExtensions
{
    /// <summary>Every product that <paramref name="product"/> depends on, directly or through others.</summary>
    public static IReadOnlySet<string> TransitiveDependencies(this CatalogSnapshot catalog, string product)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(product);
        while (stack.Count > 0)
        {
            if (!catalog.Products.TryGetValue(stack.Pop(), out var spec))
            {
                continue;
            }

            foreach (var dependency in spec.DependsOn)
            {
                if (dependency != product && seen.Add(dependency))
                {
                    stack.Push(dependency);
                }
            }
        }

        return seen;
    }

    /// <summary>Products that depend on <paramref name="product"/>, directly or through others.</summary>
    public static IReadOnlySet<string> Dependents(this CatalogSnapshot catalog, string product)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in catalog.Products.Keys)
        {
            if (name != product && catalog.TransitiveDependencies(name).Contains(product))
            {
                result.Add(name);
            }
        }

        return result;
    }

    /// <summary>The tier that receives systemic incidents for <paramref name="product"/>.</summary>
    public static string? EscalationTierFor(this CatalogSnapshot catalog, string? product)
    {
        if (product is not null && catalog.Products.TryGetValue(product, out var spec) && spec.EscalationTier is { } tier)
        {
            return tier;
        }

        return catalog.Tiers.Values.FirstOrDefault(t => t.Default)?.Name ?? catalog.Tiers.Keys.Order(StringComparer.Ordinal).FirstOrDefault();
    }
}
