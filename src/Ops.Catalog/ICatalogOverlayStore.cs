namespace Ops.Catalog;

/// <summary>
/// Where the catalog changes made through the API are kept, so they survive a restart. The silo-config files stay
/// the base; the overlay is applied over them on every load.
/// </summary>
public interface ICatalogOverlayStore
{
    /// <summary>The saved overlay, or <see cref="CatalogOverlay.Empty"/> when nothing was saved yet.</summary>
    Task<CatalogOverlay> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the saved overlay atomically: after it completes, <see cref="LoadAsync"/> returns <paramref name="overlay"/>.</summary>
    Task SaveAsync(CatalogOverlay overlay, CancellationToken cancellationToken);
}
