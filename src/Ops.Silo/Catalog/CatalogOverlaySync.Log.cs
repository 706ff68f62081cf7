namespace Ops.Silo.Catalog;

internal sealed partial class CatalogOverlaySync
{
    [LoggerMessage(7301, LogLevel.Information, "Catalog changes saved by another silo were applied (catalog overlay version {Version})")]
    private static partial void LogOverlayPublished(ILogger logger, long version);

    [LoggerMessage(7302, LogLevel.Warning, "The catalog overlay version {Version} saved by another silo is invalid over this silo's silo-config ({Count} error(s): {Errors}); this silo keeps its previous catalog. Make silo-config/ the same on every silo of the cluster, then POST /api/v1/catalog/reload")]
    private static partial void LogOverlayRefused(ILogger logger, long version, int count, string errors);

    [LoggerMessage(7303, LogLevel.Warning, "Reading the cluster's catalog overlay failed ({Error}: {Message}); catalog changes made through other silos do not reach this one until it succeeds. Retrying every {Interval}; check the database")]
    private static partial void LogPollFailed(ILogger logger, string error, string message, TimeSpan interval);

    [LoggerMessage(7304, LogLevel.Information, "Reading the cluster's catalog overlay works again (version {Version})")]
    private static partial void LogPollRecovered(ILogger logger, long version);
}
