using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>A 1-based position in a catalog file.</summary>
internal readonly record struct SourcePosition(string File, int Line, int Column);

/// <summary>
/// Where each entity read from YAML declared its fields (<c>spec.owner</c> → line 12, column 10), keyed by the
/// entity instance itself, so the validator can point at the exact node of a snapshot's entity. Entities the map does
/// not know (created through the API, or copied with <c>with</c>) fall back to their <see cref="SourceLocation"/>.
/// </summary>
internal sealed class CatalogSourceMap
{
    private readonly Dictionary<object, IReadOnlyDictionary<string, SourcePosition>> _entities = new(ReferenceEqualityComparer.Instance);

    public void Add(object entity, IReadOnlyDictionary<string, SourcePosition> fields) => _entities[entity] = fields;

    public void AddAll(CatalogSourceMap other)
    {
        foreach (var (entity, fields) in other._entities)
        {
            _entities[entity] = fields;
        }
    }

    /// <summary>
    /// The position of <paramref name="field"/> in <paramref name="entity"/>'s document: the field itself, else its
    /// closest recorded parent (<c>spec.match</c> for a missing <c>spec.match.layer</c>), else the declaring line.
    /// </summary>
    public SourcePosition Locate(object entity, SourceLocation? declaredAt, string field)
    {
        if (_entities.TryGetValue(entity, out var fields))
        {
            for (var path = field; path.Length > 0; path = Parent(path))
            {
                if (fields.TryGetValue(path, out var position))
                {
                    return position;
                }
            }

            if (fields.TryGetValue("", out var root))
            {
                return root;
            }
        }

        return declaredAt is null ? new SourcePosition("api", 0, 0) : new SourcePosition(declaredAt.File, declaredAt.Line, declaredAt.Line > 0 ? 1 : 0);
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
