namespace Ops.Catalog;

/// <summary>
/// An overlay store that forgets on restart: for tests and for a silo run without durable storage. Several
/// <see cref="CatalogService"/>s may share one, like the silos of a cluster share the database's.
/// </summary>
public sealed class InMemoryCatalogOverlayStore(CatalogOverlay? initial = null) : ICatalogOverlayStore
{
    private readonly Lock _saves = new();
    private volatile CatalogOverlayRevision _saved = initial is null ? CatalogOverlayRevision.None : new(initial, 1);

    /// <summary>The overlay as last saved.</summary>
    public CatalogOverlay Overlay => _saved.Overlay;

    /// <summary>The version of the overlay as last saved (0: nothing saved yet).</summary>
    public long Version => _saved.Version;

    public Task<CatalogOverlayRevision> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_saved);
    }

    public Task<long> ReadVersionAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_saved.Version);
    }

    public Task<long?> TrySaveAsync(CatalogOverlay overlay, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_saves)
        {
            if (_saved.Version != expectedVersion)
            {
                return Task.FromResult<long?>(null);
            }

            _saved = new CatalogOverlayRevision(overlay, expectedVersion + 1);
            return Task.FromResult<long?>(_saved.Version);
        }
    }
}
