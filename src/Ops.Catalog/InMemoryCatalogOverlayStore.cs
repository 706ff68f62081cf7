namespace Ops.Catalog;

/// <summary>An overlay store that forgets on restart: for tests and for a silo run without durable storage.</summary>
public sealed class InMemoryCatalogOverlayStore(CatalogOverlay? initial = null) : ICatalogOverlayStore
{
    private volatile CatalogOverlay _overlay = initial ?? CatalogOverlay.Empty;

    /// <summary>The overlay as last saved.</summary>
    public CatalogOverlay Overlay => _overlay;

    public Task<CatalogOverlay> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_overlay);
    }

    public Task SaveAsync(CatalogOverlay overlay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        cancellationToken.ThrowIfCancellationRequested();
        _overlay = overlay;
        return Task.CompletedTask;
    }
}
