using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>
/// What loading YAML produced: the snapshot built from every entity that could be read, and every error found.
/// When <see cref="IsValid"/> is false the snapshot is partial and must not replace a running catalog.
/// </summary>
public sealed record CatalogLoadResult
{
    public required CatalogSnapshot Snapshot { get; init; }

    /// <summary>Every error, ordered by file, line and column.</summary>
    public required IReadOnlyList<CatalogError> Errors { get; init; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>Where each loaded entity's fields were declared, so later cross-entity checks can name the line.</summary>
    internal CatalogSourceMap Sources { get; init; } = new();
}
