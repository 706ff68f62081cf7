namespace Ops.Catalog;

/// <summary>
/// A catalog change could not be saved because other writers (other silos of the cluster) saved theirs first, every
/// time it was applied again over their newer overlay. Nothing of the change was saved; the request can be retried.
/// </summary>
public sealed class CatalogChangeConflictException(int attempts)
    : Exception($"The catalog was changed by another silo {attempts} times while this change was being saved; nothing was applied. Retry the request.")
{
    /// <summary>How many times the change was applied and refused.</summary>
    public int Attempts { get; } = attempts;
}
