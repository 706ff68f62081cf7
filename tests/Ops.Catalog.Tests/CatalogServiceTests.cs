using Ops.Contracts.Catalog;

namespace Ops.Catalog.Tests;

public sealed class CatalogServiceTests : IDisposable
{
    private readonly TestSiloConfig _config = CatalogFixtures.ValidSiloConfig();
    private readonly InMemoryCatalogOverlayStore _store = new();

    public void Dispose() => _config.Dispose();

    private async Task<CatalogService> StartedAsync()
    {
        var service = new CatalogService(_config.Directory, _store);
        await service.InitializeAsync();
        return service;
    }

    [Fact]
    public async Task Initialize_publishes_the_files()
    {
        var service = await StartedAsync();

        Assert.Equal(["checkout", "payments-db"], service.Current.Products.Keys.Order());
        Assert.Single(service.Current.Runbooks);
    }

    [Fact]
    public async Task Initialize_refuses_an_invalid_catalog_listing_every_error()
    {
        var path = _config.Write("catalog/products.yaml", CatalogFixtures.Products.Replace("owner: payments-team", "owner: nobody", StringComparison.Ordinal) + """

            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: search
            spec:
              owner: payments-team
              tier: 9
            """);
        var service = new CatalogService(_config.Directory, _store);

        var exception = await Assert.ThrowsAsync<CatalogInvalidException>(() => service.InitializeAsync());

        Assert.Equal(2, exception.Errors.Count);
        Assert.Contains($"{path}:14:10: spec.owner: unknown builder 'nobody'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{path}:25:9: spec.tier: expected 1 (most critical), 2 or 3; found 9", exception.Message, StringComparison.Ordinal);
        Assert.Same(CatalogSnapshot.Empty, service.Current);
    }

    [Fact]
    public async Task Reload_keeps_the_previous_snapshot_when_the_files_are_invalid()
    {
        var service = await StartedAsync();
        var before = service.Current;
        var raised = 0;
        service.Changed += _ => raised++;
        var path = _config.Write("runbooks/checkout.yaml", CatalogFixtures.Runbook.Replace("remediation:", "remediaton:", StringComparison.Ordinal));

        var result = await service.ReloadAsync();

        var error = Assert.Single(result.Errors);
        Assert.Equal((path, 7, "spec.remediaton"), (error.File, error.Line, error.Field));
        Assert.Same(before, service.Current);
        Assert.Equal(0, raised);
    }

    [Fact]
    public async Task Reload_publishes_valid_changes()
    {
        var service = await StartedAsync();
        CatalogSnapshot? published = null;
        service.Changed += snapshot => published = snapshot;
        _config.Delete("runbooks/checkout.yaml");

        var result = await service.ReloadAsync();

        Assert.True(result.IsValid);
        Assert.Empty(service.Current.Runbooks);
        Assert.Same(service.Current, published);
    }

    [Fact]
    public async Task Upsert_publishes_a_valid_change_and_saves_the_overlay()
    {
        var service = await StartedAsync();
        CatalogSnapshot? published = null;
        service.Changed += snapshot => published = snapshot;

        var errors = await service.UpsertAsync(new ProductSpec { Name = "search", Owner = "payments-team", DependsOn = ["payments-db"] });

        Assert.Empty(errors);
        Assert.Same(service.Current, published);
        Assert.Equal(SourceLocation.Api, service.Current.Products["search"].DeclaredAt);
        Assert.Contains("search", service.Current.Dependents("payments-db"));
        Assert.Equal("search", Assert.Single(_store.Overlay.Products).Name);
    }

    [Fact]
    public async Task Upsert_refuses_an_invalid_change()
    {
        var service = await StartedAsync();
        var before = service.Current;
        var raised = 0;
        service.Changed += _ => raised++;

        var errors = await service.UpsertAsync(new ProductSpec { Name = "search", Owner = "nobody", Tier = 0 });

        Assert.Equal(["api:0:0: spec.tier: expected 1 (most critical), 2 or 3; found 0", "api:0:0: spec.owner: unknown builder 'nobody' (known builders: payments-team, platform-team)"], errors.Select(e => e.ToString()));
        Assert.Same(before, service.Current);
        Assert.Equal(0, raised);
        Assert.Empty(_store.Overlay.Products);
    }

    [Fact]
    public async Task Upsert_that_would_close_a_dependency_cycle_is_refused()
    {
        var service = await StartedAsync();

        var errors = await service.UpsertAsync(new ProductSpec { Name = "payments-db", Owner = "platform-team", DependsOn = ["checkout"] });

        var error = Assert.Single(errors);
        Assert.Equal(("api", "spec.dependsOn[0]", "dependency cycle: checkout → payments-db → checkout"), (error.File, error.Field, error.Message));
    }

    [Fact]
    public async Task Overlay_wins_over_files_by_name_and_survives_reload_and_restart()
    {
        var service = await StartedAsync();
        var errors = await service.UpsertAsync(new BuilderSpec { Name = "payments-team", Capacity = 9 });
        Assert.Empty(errors);

        await service.ReloadAsync();
        Assert.Equal(9, service.Current.Builders["payments-team"].Capacity);

        var restarted = new CatalogService(_config.Directory, _store);
        await restarted.InitializeAsync();
        Assert.Equal(9, restarted.Current.Builders["payments-team"].Capacity);
        Assert.Equal(3, restarted.Current.Builders["platform-team"].Capacity);
    }

    [Fact]
    public async Task A_runbook_version_from_the_api_sits_beside_the_file_version()
    {
        var service = await StartedAsync();
        var v1 = service.Current.Runbooks.Single();

        var errors = await service.UpsertAsync(v1 with { Version = 2, DeclaredAt = null, Mode = RunbookMode.ConfirmFirst });

        Assert.Empty(errors);
        Assert.Equal([1, 2], service.Current.Runbooks.Select(r => r.Version).Order());
    }

    [Fact]
    public async Task Reload_refuses_files_that_break_the_overlay()
    {
        var service = await StartedAsync();
        Assert.Empty(await service.UpsertAsync(new ProductSpec { Name = "search", Owner = "platform-team" }));
        var before = service.Current;
        _config.Write("catalog/builders.yaml", CatalogFixtures.Builders.Replace("platform-team", "infra-team", StringComparison.Ordinal));
        _config.Write("catalog/products.yaml", CatalogFixtures.Products.Replace("owner: platform-team", "owner: infra-team", StringComparison.Ordinal));

        var result = await service.ReloadAsync();

        var error = Assert.Single(result.Errors);
        Assert.Equal(("api", "spec.owner"), (error.File, error.Field));
        Assert.Same(before, service.Current);
    }

    [Fact]
    public async Task Changes_before_initialize_are_refused()
    {
        var service = new CatalogService(_config.Directory, _store);

        await Assert.ThrowsAsync<InvalidOperationException>(() => service.UpsertAsync(new BuilderSpec { Name = "x" }));
    }

    [Fact]
    public async Task Concurrent_upserts_all_land()
    {
        var service = await StartedAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => service.UpsertAsync(new ProductSpec { Name = $"svc-{i}", Owner = "payments-team" }))));

        Assert.All(results, Assert.Empty);
        Assert.Equal(22, service.Current.Products.Count);
        Assert.Equal(20, _store.Overlay.Products.Count);
    }
}
