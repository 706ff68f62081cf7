namespace Ops.Catalog;

/// <summary>A saved overlay and the version it was saved under (0: nothing saved yet).</summary>
public sealed record CatalogOverlayRevision(CatalogOverlay Overlay, long Version)
{
    /// <summary>No overlay saved yet: the empty overlay at version 0.</summary>
    public static readonly CatalogOverlayRevision None = new(CatalogOverlay.Empty, 0);
}
