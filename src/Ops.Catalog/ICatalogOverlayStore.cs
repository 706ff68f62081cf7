namespace Ops.Catalog;

/// <summary>
/// Where the catalog changes made through the API are kept, so they survive a restart (and, on a shared store, reach
/// every silo of the cluster). The silo-config files stay the base; the overlay is applied over them on every load.
/// </summary>
/// <remarks>
/// Every saved overlay has a version that rises on each save. A save names the version it was based on and is refused
/// when another writer saved since (optimistic concurrency): the writer then reads the newer overlay, applies its change
/// over it again and retries, so two silos changing different entities at the same time both keep their change.
/// </remarks>
public interface ICatalogOverlayStore
{
    /// <summary>The saved overlay and its version, or <see cref="CatalogOverlayRevision.None"/> when nothing was saved yet.</summary>
    Task<CatalogOverlayRevision> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The version of the saved overlay without the overlay itself (0 when nothing was saved yet): what a silo polls to
    /// notice that another silo saved a change.
    /// </summary>
    Task<long> ReadVersionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the saved overlay atomically if its version is still <paramref name="expectedVersion"/>. Returns the
    /// new version (after it, <see cref="LoadAsync"/> returns <paramref name="overlay"/> with it), or null when another
    /// writer saved first: then nothing was written.
    /// </summary>
    Task<long?> TrySaveAsync(CatalogOverlay overlay, long expectedVersion, CancellationToken cancellationToken);
}
