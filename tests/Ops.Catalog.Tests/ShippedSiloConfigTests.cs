using Ops.Contracts.Catalog;
using Ops.Contracts.Signals;

namespace Ops.Catalog.Tests;

public sealed class ShippedSiloConfigTests
{
    private static readonly CatalogLoadResult Loaded = new CatalogLoader().LoadDirectory(TestSiloConfig.Shipped());

    [Fact]
    public void Loads_without_errors() =>
        Assert.True(Loaded.IsValid, string.Join(Environment.NewLine, Loaded.Errors));

    [Fact]
    public void Has_a_shared_platform_product_that_the_services_depend_on()
    {
        var catalog = Loaded.Snapshot;
        var platform = catalog.Products["platform-postgres"];
        Assert.Equal(ProductKind.Platform, platform.Kind);
        Assert.Equal("platform-team", platform.Owner);
        Assert.Equal(["accounts", "checkout", "orders", "recommendations", "search"], catalog.Dependents("platform-postgres").Order());
    }

    [Fact]
    public void Routes_checkout_by_routing_key_and_alias()
    {
        var checkout = Loaded.Snapshot.Products["checkout"];
        Assert.Equal(["R0UT1NGKEY0000000000000000000001"], checkout.RoutingKeys);
        Assert.Contains("checkout-api", checkout.Aliases);
        Assert.Contains("search-api", Loaded.Snapshot.Products["search"].Aliases);
        Assert.Equal("http://127.0.0.1:8080/api/v1/sample/targets/checkout/rollback", checkout.Rollback?.Url);
    }

    [Fact]
    public void Has_three_builders_with_capacity_and_sample_inbox_channels()
    {
        var builders = Loaded.Snapshot.Builders;
        Assert.Equal(["discovery-team", "payments-team", "platform-team"], builders.Keys.Order());
        Assert.All(builders.Values, b => Assert.True(b.Capacity > 0));
        Assert.All(builders.Values, b => Assert.Contains(b.Channels, c => c.Url == $"http://127.0.0.1:8080/api/v1/sample/inbox/{b.Name}"));
    }

    [Fact]
    public void Escalates_to_architects_by_default_and_platform_to_platform_sre()
    {
        var catalog = Loaded.Snapshot;
        Assert.Equal(["architects", "platform-sre"], catalog.Tiers.Keys.Order());
        Assert.Equal("architects", catalog.EscalationTierFor("search"));
        Assert.Equal("platform-sre", catalog.EscalationTierFor("platform-postgres"));
        Assert.Equal("architects", catalog.Tiers["platform-sre"].Next);
    }

    [Fact]
    public void Search_latency_runbook_diagnoses_restarts_and_verifies()
    {
        var runbook = Assert.Single(Loaded.Snapshot.Runbooks, r => r.Name == "search-latency-high");
        Assert.Equal("search", runbook.Product);
        Assert.Equal(SignalLayer.Product, runbook.Match.Layer);
        Assert.Equal("SearchLatencyHigh", runbook.Match.Labels["alertname"]);
        Assert.Equal([StepKind.SignalHistory, StepKind.Http], runbook.Diagnostics.Select(s => s.Kind));
        Assert.Equal("GET", runbook.Diagnostics[1].Http!.Method);
        Assert.Equal("http://127.0.0.1:8080/health/ready", runbook.Diagnostics[1].Http!.Url);
        var restart = Assert.Single(runbook.Remediation);
        Assert.Equal("http://127.0.0.1:8080/api/v1/sample/targets/search/restart", restart.Http!.Url);
        Assert.Equal("POST", restart.Http.Method);
        Assert.Equal(TimeSpan.FromMinutes(5), runbook.Verification.Window);
    }

    [Fact]
    public void Has_a_rollback_runbook_a_machinery_runbook_and_a_confirm_first_runbook()
    {
        var runbooks = Loaded.Snapshot.Runbooks;
        Assert.Contains(runbooks, r => r.Product == "checkout" && r.Remediation.Any(s => s.Kind == StepKind.Rollback));
        Assert.Contains(runbooks, r => r.Match.Layer == SignalLayer.Machinery);
        Assert.Contains(runbooks, r => r.Mode == RunbookMode.ConfirmFirst);
    }

    [Fact]
    public void Every_http_target_points_at_the_silo_sample_endpoints()
    {
        var urls = Loaded.Snapshot.Runbooks.SelectMany(r => r.Diagnostics.Concat(r.Remediation)).Where(s => s.Http is not null).Select(s => s.Http!.Url)
            .Concat(Loaded.Snapshot.Products.Values.Where(p => p.Rollback is not null).Select(p => p.Rollback!.Url));
        Assert.All(urls, url => Assert.StartsWith("http://127.0.0.1:8080/", url, StringComparison.Ordinal));
    }

    [Fact]
    public void Records_where_each_entity_was_declared()
    {
        var checkout = Loaded.Snapshot.Products["checkout"];
        Assert.EndsWith("products.yaml", checkout.DeclaredAt!.File, StringComparison.Ordinal);
        Assert.True(checkout.DeclaredAt.Line > 1);
    }
}
