using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Catalog;
using Ops.Contracts.Catalog;
using Ops.Silo.Catalog;
using Ops.Silo.Hosting;

namespace Ops.Silo.Tests;

/// <summary>The silo's poll of the shared catalog overlay: what it publishes and what it tells the operator, once.</summary>
public sealed class CatalogOverlaySyncTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly InMemoryCatalogOverlayStore _shared = new();
    private readonly RecordingLogger _log = new();

    [Fact]
    public async Task A_change_another_silo_saved_is_published_and_logged()
    {
        var (catalog, sync) = await SiloAsync(_shared);
        Assert.Empty(await (await OtherSiloAsync()).UpsertAsync(new ProductSpec { Name = "ledger", Owner = "payments-team" }));

        await sync.PollAsync(Interval, default);
        await sync.PollAsync(Interval, default);

        Assert.Contains("ledger", catalog.Current.Products.Keys);
        Assert.Equal([7301], _log.EventIds);
    }

    [Fact]
    public async Task A_change_invalid_over_this_silos_files_is_refused_and_logged_once()
    {
        var (catalog, sync) = await SiloAsync(_shared);
        var before = catalog.Current;

        // Saved by a silo whose silo-config has a builder this one lacks.
        await _shared.TrySaveAsync(new CatalogOverlay { Products = [new ProductSpec { Name = "ledger", Owner = "ledger-team" }] }, 0, default);
        await sync.PollAsync(Interval, default);
        await sync.PollAsync(Interval, default);

        Assert.Same(before, catalog.Current);
        Assert.Equal([7302], _log.EventIds);
    }

    [Fact]
    public async Task A_failing_read_is_logged_once_until_a_read_works_again()
    {
        var store = new UnreachableWhileSet(_shared);
        var (_, sync) = await SiloAsync(store);

        store.Unreachable = true;
        await sync.PollAsync(Interval, default);
        await sync.PollAsync(Interval, default);
        store.Unreachable = false;
        await sync.PollAsync(Interval, default);

        Assert.Equal([7303, 7304], _log.EventIds);
    }

    private Task<CatalogService> OtherSiloAsync() => StartedAsync(_shared);

    private async Task<(CatalogService Catalog, CatalogOverlaySync Sync)> SiloAsync(ICatalogOverlayStore store)
    {
        var catalog = await StartedAsync(store);
        return (catalog, new CatalogOverlaySync(catalog, Options.Create(new CatalogOptions()), TimeProvider.System, _log));
    }

    private static async Task<CatalogService> StartedAsync(ICatalogOverlayStore store)
    {
        var catalog = new CatalogService(SiloConfiguration.Locate([]), store);
        await catalog.InitializeAsync();
        return catalog;
    }

    private sealed class UnreachableWhileSet(ICatalogOverlayStore inner) : ICatalogOverlayStore
    {
        public bool Unreachable { get; set; }

        public Task<CatalogOverlayRevision> LoadAsync(CancellationToken cancellationToken) => Unreachable ? throw new TimeoutException("database unreachable") : inner.LoadAsync(cancellationToken);

        public Task<long> ReadVersionAsync(CancellationToken cancellationToken) => Unreachable ? throw new TimeoutException("database unreachable") : inner.ReadVersionAsync(cancellationToken);

        public Task<long?> TrySaveAsync(CatalogOverlay overlay, long expectedVersion, CancellationToken cancellationToken) => inner.TrySaveAsync(overlay, expectedVersion, cancellationToken);
    }

    private sealed class RecordingLogger : ILogger<CatalogOverlaySync>
    {
        public List<int> EventIds { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            EventIds.Add(eventId.Id);
    }
}
