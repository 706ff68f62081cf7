using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>
/// The entities created or changed through the API. Over the files an overlay entity wins by name (runbooks by
/// name and version: a new version is added beside the file's ones, the same version replaces it).
/// </summary>
public sealed record CatalogOverlay
{
    public static readonly CatalogOverlay Empty = new();

    public IReadOnlyList<ProductSpec> Products { get; init; } = [];

    public IReadOnlyList<BuilderSpec> Builders { get; init; } = [];

    public IReadOnlyList<EscalationTierSpec> Tiers { get; init; } = [];

    public IReadOnlyList<RunbookSpec> Runbooks { get; init; } = [];

    /// <summary>This overlay with <paramref name="product"/> added, or replacing the one with its name.</summary>
    public CatalogOverlay With(ProductSpec product) => this with { Products = Replace(Products, product, p => p.Name == product.Name) };

    /// <summary>This overlay with <paramref name="builder"/> added, or replacing the one with its name.</summary>
    public CatalogOverlay With(BuilderSpec builder) => this with { Builders = Replace(Builders, builder, b => b.Name == builder.Name) };

    /// <summary>This overlay with <paramref name="tier"/> added, or replacing the one with its name.</summary>
    public CatalogOverlay With(EscalationTierSpec tier) => this with { Tiers = Replace(Tiers, tier, t => t.Name == tier.Name) };

    /// <summary>This overlay with <paramref name="runbook"/> added, or replacing the one with its name and version.</summary>
    public CatalogOverlay With(RunbookSpec runbook) =>
        this with { Runbooks = Replace(Runbooks, runbook, r => r.Name == runbook.Name && r.Version == runbook.Version) };

    /// <summary>
    /// The catalog seen through this overlay: <paramref name="files"/> with every overlay entity added or replacing
    /// the file entity of the same name (runbooks: same name and version).
    /// </summary>
    public CatalogSnapshot ApplyTo(CatalogSnapshot files)
    {
        var products = new Dictionary<string, ProductSpec>(files.Products, StringComparer.Ordinal);
        var builders = new Dictionary<string, BuilderSpec>(files.Builders, StringComparer.Ordinal);
        var tiers = new Dictionary<string, EscalationTierSpec>(files.Tiers, StringComparer.Ordinal);
        foreach (var product in Products)
        {
            products[product.Name] = product;
        }

        foreach (var builder in Builders)
        {
            builders[builder.Name] = builder;
        }

        foreach (var tier in Tiers)
        {
            tiers[tier.Name] = tier;
        }

        var overridden = Runbooks.Select(r => (r.Name, r.Version)).ToHashSet();
        return new CatalogSnapshot
        {
            Products = products,
            Builders = builders,
            Tiers = tiers,
            Runbooks = [.. files.Runbooks.Where(r => !overridden.Contains((r.Name, r.Version))), .. Runbooks],
        };
    }

    private static IReadOnlyList<T> Replace<T>(IReadOnlyList<T> items, T item, Func<T, bool> same) => [.. items.Where(i => !same(i)), item];
}
