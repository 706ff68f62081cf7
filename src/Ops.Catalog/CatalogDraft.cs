using Ops.Catalog.Yaml;
using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>
/// Gathers the entities of one or more files into a snapshot. Names are unique per kind: a second product (builder,
/// tier) with a name already taken is reported at its <c>metadata.name</c> and left out, since a snapshot's maps
/// cannot hold both. Runbooks are kept in file order; their (name, version) uniqueness is the validator's rule.
/// </summary>
internal sealed class CatalogDraft
{
    private readonly Dictionary<string, ProductSpec> _products = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BuilderSpec> _builders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EscalationTierSpec> _tiers = new(StringComparer.Ordinal);
    private readonly List<RunbookSpec> _runbooks = [];
    private readonly List<CatalogError> _errors = [];

    public CatalogSourceMap Sources { get; } = new();

    public IReadOnlyList<CatalogError> Errors => _errors;

    public void AddError(CatalogError error) => _errors.Add(error);

    public void Add(CatalogFileContent file)
    {
        _errors.AddRange(file.Errors);
        Sources.AddAll(file.Sources);
        foreach (var entity in file.Entities)
        {
            switch (entity)
            {
                case ProductSpec product:
                    AddUnique(_products, product, product.Name, product.DeclaredAt, "Product");
                    break;
                case BuilderSpec builder:
                    AddUnique(_builders, builder, builder.Name, builder.DeclaredAt, "Builder");
                    break;
                case EscalationTierSpec tier:
                    AddUnique(_tiers, tier, tier.Name, tier.DeclaredAt, "EscalationTier");
                    break;
                case RunbookSpec runbook:
                    _runbooks.Add(runbook);
                    break;
            }
        }
    }

    public CatalogSnapshot ToSnapshot() => new()
    {
        Products = new Dictionary<string, ProductSpec>(_products, StringComparer.Ordinal),
        Builders = new Dictionary<string, BuilderSpec>(_builders, StringComparer.Ordinal),
        Tiers = new Dictionary<string, EscalationTierSpec>(_tiers, StringComparer.Ordinal),
        Runbooks = [.. _runbooks],
    };

    private void AddUnique<T>(Dictionary<string, T> entities, T entity, string name, SourceLocation? declaredAt, string kind)
        where T : notnull
    {
        if (entities.TryAdd(name, entity))
        {
            return;
        }

        var first = Sources.Locate(entities[name], null, "metadata.name");
        var at = Sources.Locate(entity, declaredAt, "metadata.name");
        _errors.Add(new CatalogError(at.File, at.Line, at.Column, "metadata.name", $"duplicate {kind} '{name}': already declared at {first.File}:{first.Line}"));
    }
}
