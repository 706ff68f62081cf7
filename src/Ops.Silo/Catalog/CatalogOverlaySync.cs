using Microsoft.Extensions.Options;
using Ops.Catalog;

namespace Ops.Silo.Catalog;

/// <summary>
/// Brings the catalog changes other silos of the cluster save into this silo's catalog: every
/// <see cref="CatalogOptions.OverlayPollInterval"/> it asks <see cref="CatalogService.RefreshOverlayAsync"/>, which
/// reads the shared overlay's version and publishes the newer overlay when there is one. Grains and the API read
/// <see cref="CatalogService.Current"/> on every use, so they see the change from then on.
/// </summary>
internal sealed partial class CatalogOverlaySync(CatalogService catalog, IOptions<CatalogOptions> options, TimeProvider time, ILogger<CatalogOverlaySync> logger)
    : BackgroundService
{
    private long _refusedVersion = -1;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.OverlayPollInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PollAsync(interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One poll; failures are logged (once per run of failures) and the next tick tries again.</summary>
    internal async Task PollAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        CatalogOverlayRefresh refresh;
        try
        {
            refresh = await catalog.RefreshOverlayAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                LogPollFailed(logger, exception.GetType().Name, exception.Message, interval);
            }

            return;
        }

        if (_failing)
        {
            _failing = false;
            LogPollRecovered(logger, refresh.Version);
        }

        switch (refresh.Outcome)
        {
            case CatalogOverlayRefreshOutcome.Published:
                LogOverlayPublished(logger, refresh.Version);
                break;
            case CatalogOverlayRefreshOutcome.Refused when refresh.Version != _refusedVersion:
                _refusedVersion = refresh.Version;
                LogOverlayRefused(logger, refresh.Version, refresh.Errors.Count, string.Join("; ", refresh.Errors));
                break;
        }
    }
}
