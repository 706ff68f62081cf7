using Ops.Contracts.Catalog;

namespace Ops.Catalog.Tests;

/// <summary>
/// Two catalog services over one overlay store, as two silos of a cluster share the database's: a change saved by
/// one reaches the other on refresh, and a change made over an overlay another silo has since replaced is applied
/// again over the newer one instead of overwriting it.
/// </summary>
public sealed class SharedOverlayTests : IDisposable
{
    private readonly TestSiloConfig _config = CatalogFixtures.ValidSiloConfig();
    private readonly InMemoryCatalogOverlayStore _store = new();

    public void Dispose() => _config.Dispose();

    private async Task<CatalogService> SiloAsync(ICatalogOverlayStore? store = null, string? directory = null)
    {
        var service = new CatalogService(directory ?? _config.Directory, store ?? _store);
        await service.InitializeAsync();
        return service;
    }

    [Fact]
    public async Task Refresh_publishes_a_change_another_silo_saved()
    {
        var first = await SiloAsync();
        var second = await SiloAsync();
        CatalogSnapshot? published = null;
        second.Changed += snapshot => published = snapshot;
        Assert.Empty(await first.UpsertAsync(new ProductSpec { Name = "search", Owner = "platform-team" }));

        var refresh = await second.RefreshOverlayAsync();

        Assert.Equal((CatalogOverlayRefreshOutcome.Published, 1L), (refresh.Outcome, refresh.Version));
        Assert.Equal("platform-team", second.Current.Products["search"].Owner);
        Assert.Same(second.Current, published);
    }

    [Fact]
    public async Task Refresh_without_a_newer_overlay_changes_nothing()
    {
        var service = await SiloAsync();
        Assert.Empty(await service.UpsertAsync(new ProductSpec { Name = "search", Owner = "platform-team" }));
        var before = service.Current;

        var refresh = await service.RefreshOverlayAsync();

        Assert.Equal((CatalogOverlayRefreshOutcome.Unchanged, 1L), (refresh.Outcome, refresh.Version));
        Assert.Same(before, service.Current);
    }

    [Fact]
    public async Task A_change_made_over_a_replaced_overlay_is_applied_again_over_the_newer_one()
    {
        var first = await SiloAsync();
        var second = await SiloAsync();
        Assert.Empty(await first.UpsertAsync(new ProductSpec { Name = "search", Owner = "platform-team" }));

        // The second silo has not refreshed: its save over version 0 is refused, and it applies the change over version 1.
        Assert.Empty(await second.UpsertAsync(new ProductSpec { Name = "ledger", Owner = "payments-team" }));

        Assert.Equal(["ledger", "search"], _store.Overlay.Products.Select(p => p.Name).Order());
        Assert.Equal(2, _store.Version);
        Assert.Contains("search", second.Current.Products.Keys);
        Assert.Contains("ledger", second.Current.Products.Keys);
    }

    [Fact]
    public async Task A_product_update_applies_to_the_product_as_saved_not_as_last_seen()
    {
        var first = await SiloAsync();
        var second = await SiloAsync();
        var checkout = first.Current.Products["checkout"];
        Assert.Empty(await first.UpsertAsync(checkout with { Tier = 1 }));

        // A transfer through the second silo, which has not seen the tier change yet.
        Assert.Empty(await second.UpdateProductAsync("checkout", p => p with { Owner = "platform-team" }));

        var saved = Assert.Single(_store.Overlay.Products);
        Assert.Equal(("platform-team", 1), (saved.Owner, saved.Tier));
        Assert.Equal(("platform-team", 1), (second.Current.Products["checkout"].Owner, second.Current.Products["checkout"].Tier));
    }

    [Fact]
    public async Task A_change_that_is_valid_alone_but_not_over_the_newer_overlay_is_refused()
    {
        var first = await SiloAsync();
        var second = await SiloAsync();
        Assert.Empty(await first.UpsertAsync(new ProductSpec { Name = "search", Owner = "platform-team", Aliases = ["finder"] }));

        var errors = await second.UpsertAsync(new ProductSpec { Name = "ledger", Owner = "payments-team", Aliases = ["finder"] });

        Assert.Contains(errors, e => e.Field.StartsWith("spec.aliases", StringComparison.Ordinal));
        Assert.Equal(["search"], _store.Overlay.Products.Select(p => p.Name));
        Assert.Contains("search", second.Current.Products.Keys);
    }

    [Fact]
    public async Task Concurrent_changes_of_different_products_through_two_silos_all_survive()
    {
        var first = await SiloAsync();
        var second = await SiloAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).UpsertAsync(new ProductSpec { Name = $"svc-{i}", Owner = "payments-team" }))));

        Assert.All(results, Assert.Empty);
        Assert.Equal(20, _store.Overlay.Products.Count);
        Assert.Equal(20, _store.Version);
        await first.RefreshOverlayAsync();
        await second.RefreshOverlayAsync();
        Assert.Equal(22, first.Current.Products.Count);
        Assert.Equal(22, second.Current.Products.Count);
    }

    [Fact]
    public async Task A_change_that_loses_every_save_race_is_refused_with_a_conflict_and_saves_nothing()
    {
        var busy = new BusyClusterStore(_store);
        var service = await SiloAsync(busy);

        var conflict = await Assert.ThrowsAsync<CatalogChangeConflictException>(() => service.UpsertAsync(new ProductSpec { Name = "search", Owner = "platform-team" }));

        Assert.Equal(CatalogService.MaxSaveAttempts, conflict.Attempts);
        Assert.DoesNotContain(_store.Overlay.Products, p => p.Name == "search");
        Assert.Equal(CatalogService.MaxSaveAttempts, busy.OtherSaves);
    }

    [Fact]
    public async Task A_newer_overlay_invalid_over_this_silos_files_is_refused_and_the_catalog_kept()
    {
        using var wider = CatalogFixtures.ValidSiloConfig();
        wider.Write("catalog/search-team.yaml", """
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata:
              name: search-team
            """);
        var first = await SiloAsync(directory: wider.Directory);
        var second = await SiloAsync();
        var before = second.Current;
        Assert.Empty(await first.UpsertAsync(new ProductSpec { Name = "search", Owner = "search-team" }));

        var refresh = await second.RefreshOverlayAsync();

        Assert.Equal(CatalogOverlayRefreshOutcome.Refused, refresh.Outcome);
        Assert.Contains(refresh.Errors, e => e.Message.Contains("unknown builder 'search-team'", StringComparison.Ordinal));
        Assert.Same(before, second.Current);
        Assert.Equal(CatalogOverlayRefreshOutcome.Unchanged, (await second.RefreshOverlayAsync()).Outcome);
    }

    /// <summary>A store another silo saves to just before every save of this one, so this one always loses the race.</summary>
    private sealed class BusyClusterStore(InMemoryCatalogOverlayStore shared) : ICatalogOverlayStore
    {
        public int OtherSaves { get; private set; }

        public Task<CatalogOverlayRevision> LoadAsync(CancellationToken cancellationToken) => shared.LoadAsync(cancellationToken);

        public Task<long> ReadVersionAsync(CancellationToken cancellationToken) => shared.ReadVersionAsync(cancellationToken);

        public async Task<long?> TrySaveAsync(CatalogOverlay overlay, long expectedVersion, CancellationToken cancellationToken)
        {
            var other = shared.Overlay.With(new BuilderSpec { Name = $"team-{++OtherSaves}" });
            await shared.TrySaveAsync(other, shared.Version, cancellationToken);
            return await shared.TrySaveAsync(overlay, expectedVersion, cancellationToken);
        }
    }
}
