namespace Ops.Catalog;

/// <summary>What <see cref="CatalogService.RefreshOverlayAsync"/> found and did.</summary>
/// <param name="Outcome">Whether a newer overlay was found, and whether it was published.</param>
/// <param name="Version">The version of the saved overlay the service now holds.</param>
/// <param name="Errors">Why a newer overlay was refused (<see cref="CatalogOverlayRefreshOutcome.Refused"/>); otherwise empty.</param>
public sealed record CatalogOverlayRefresh(CatalogOverlayRefreshOutcome Outcome, long Version, IReadOnlyList<CatalogError> Errors);

public enum CatalogOverlayRefreshOutcome
{
    /// <summary>The saved overlay is the one the service already holds.</summary>
    Unchanged,

    /// <summary>Another writer saved a newer overlay; the catalog it gives over the files was published.</summary>
    Published,

    /// <summary>
    /// Another writer saved a newer overlay, but over this silo's files it breaks a rule (the silos' silo-config
    /// differ): the running catalog is kept. Changes made here still build on the newer overlay.
    /// </summary>
    Refused,
}
