using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Ops.Catalog;
using Ops.Contracts;
using Ops.Contracts.Catalog;
using Ops.Silo.Catalog;
using Ops.Silo.Hosting;

namespace Ops.Silo.Tests;

/// <summary>The catalog overlay in PostgreSQL: one row per cluster, saved only over the version it was read at.</summary>
public sealed class PostgreSqlCatalogOverlayStoreTests(FreshPostgresDatabase database) : IClassFixture<FreshPostgresDatabase>
{
    private PostgreSqlCatalogOverlayStore Store(string clusterId, string silo = "first") => new(database.Require(), clusterId, silo);

    [SkippableFact]
    public async Task A_cluster_without_saved_changes_loads_the_empty_overlay_at_version_0()
    {
        var store = Store(TestPostgres.NewClusterId("empty"));

        Assert.Same(CatalogOverlayRevision.None, await store.LoadAsync(default));
        Assert.Equal(0, await store.ReadVersionAsync(default));
    }

    [SkippableFact]
    public async Task A_saved_overlay_loads_back_whole_with_its_version()
    {
        var clusterId = TestPostgres.NewClusterId("round");
        var overlay = ShippedCatalogAsOverlay();

        var version = await Store(clusterId).TrySaveAsync(overlay, 0, default);

        var loaded = await Store(clusterId, "second").LoadAsync(default);
        Assert.Equal(1, version);
        Assert.Equal(1, loaded.Version);
        Assert.Equal(1, await Store(clusterId, "second").ReadVersionAsync(default));
        Assert.True(JsonNode.DeepEquals(Json(overlay), Json(loaded.Overlay)), $"expected {Json(overlay)}\nfound    {Json(loaded.Overlay)}");
    }

    [SkippableFact]
    public async Task Every_save_moves_the_version_on_by_one_and_records_the_silo()
    {
        var clusterId = TestPostgres.NewClusterId("versions");
        var first = Store(clusterId, "first");
        var second = Store(clusterId, "second");

        Assert.Equal(1, await first.TrySaveAsync(Overlay("search"), 0, default));
        Assert.Equal(2, await second.TrySaveAsync(Overlay("search", "ledger"), 1, default));

        var saved = await second.LoadAsync(default);
        Assert.Equal(2, saved.Version);
        Assert.Equal(["search", "ledger"], saved.Overlay.Products.Select(p => p.Name));
        Assert.Equal("second", await SavedByAsync(clusterId));
    }

    [SkippableFact]
    public async Task A_save_over_a_version_another_silo_replaced_is_refused_and_writes_nothing()
    {
        var clusterId = TestPostgres.NewClusterId("stale");
        var first = Store(clusterId, "first");
        var second = Store(clusterId, "second");
        Assert.Equal(1, await first.TrySaveAsync(Overlay("search"), 0, default));
        Assert.Equal(2, await first.TrySaveAsync(Overlay("search", "ledger"), 1, default));

        var refused = await second.TrySaveAsync(Overlay("billing"), 1, default);

        Assert.Null(refused);
        var saved = await second.LoadAsync(default);
        Assert.Equal(2, saved.Version);
        Assert.Equal(["search", "ledger"], saved.Overlay.Products.Select(p => p.Name));
    }

    [SkippableFact]
    public async Task Of_two_first_saves_at_once_exactly_one_lands()
    {
        var clusterId = TestPostgres.NewClusterId("first");

        var results = await Task.WhenAll(
            Task.Run(() => Store(clusterId, "first").TrySaveAsync(Overlay("search"), 0, default)),
            Task.Run(() => Store(clusterId, "second").TrySaveAsync(Overlay("ledger"), 0, default)));

        Assert.Equal([1L], results.Where(r => r is not null).Select(r => r!.Value));
        Assert.Single(results, r => r is null);
        Assert.Equal(1, await Store(clusterId).ReadVersionAsync(default));
    }

    [SkippableFact]
    public async Task Two_services_changing_different_products_at_once_both_keep_their_change()
    {
        var clusterId = TestPostgres.NewClusterId("merge");
        var siloConfig = SiloConfiguration.Locate([]);
        var first = new CatalogService(siloConfig, Store(clusterId, "first"));
        var second = new CatalogService(siloConfig, Store(clusterId, "second"));
        await first.InitializeAsync();
        await second.InitializeAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).UpsertAsync(new ProductSpec { Name = $"svc-{i}", Owner = "payments-team" }))));

        Assert.All(results, Assert.Empty);
        var saved = await Store(clusterId).LoadAsync(default);
        Assert.Equal(10, saved.Version);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"svc-{i}").Order(), saved.Overlay.Products.Select(p => p.Name).Order());
    }

    [SkippableFact]
    public async Task Clusters_sharing_a_database_do_not_see_each_others_overlay()
    {
        var one = Store(TestPostgres.NewClusterId("one"));
        var other = Store(TestPostgres.NewClusterId("other"));

        Assert.Equal(1, await one.TrySaveAsync(Overlay("search"), 0, default));

        Assert.Same(CatalogOverlayRevision.None, await other.LoadAsync(default));
        Assert.Equal(1, await other.TrySaveAsync(Overlay("ledger"), 0, default));
        Assert.Equal("search", Assert.Single((await one.LoadAsync(default)).Overlay.Products).Name);
    }

    [SkippableFact]
    public async Task Silos_starting_together_on_a_new_database_all_find_the_table()
    {
        database.Require();
        var clusterId = TestPostgres.NewClusterId("start");
        var empty = new FreshPostgresDatabase();
        await empty.InitializeAsync();
        try
        {
            var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
                Task.Run(() => new PostgreSqlCatalogOverlayStore(empty.ConnectionString!, clusterId, $"silo-{i}").ReadVersionAsync(default))));

            Assert.All(versions, v => Assert.Equal(0, v));
        }
        finally
        {
            await empty.DisposeAsync();
        }
    }

    private static CatalogOverlay Overlay(params string[] products) =>
        new() { Products = [.. products.Select(p => new ProductSpec { Name = p, Owner = "payments-team", DeclaredAt = new SourceLocation("api:amara", 0) })] };

    /// <summary>Every entity of the shipped silo-config as an overlay: every kind, nested steps, hooks, durations.</summary>
    private static CatalogOverlay ShippedCatalogAsOverlay()
    {
        var files = new CatalogLoader().LoadDirectory(SiloConfiguration.Locate([]));
        Assert.True(files.IsValid);
        return new CatalogOverlay
        {
            Products = [.. files.Snapshot.Products.Values],
            Builders = [.. files.Snapshot.Builders.Values],
            Tiers = [.. files.Snapshot.Tiers.Values],
            Runbooks = [.. files.Snapshot.Runbooks],
        };
    }

    private static JsonNode Json(CatalogOverlay overlay) => JsonSerializer.SerializeToNode(overlay, OpsJson.Options)!;

    private async Task<string?> SavedByAsync(string clusterId)
    {
        await using var connection = new NpgsqlConnection(database.Require());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT saved_by FROM ops_catalog_overlay WHERE cluster_id = $1", connection) { Parameters = { new() { Value = clusterId } } };
        return (string?)await command.ExecuteScalarAsync();
    }
}
