using Microsoft.Extensions.Options;
using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;

namespace Ops.Gateway.Tests;

public sealed class SignalRouterTests
{
    private readonly SignalRouter _router = new(new TestCatalog(), Options.Create(new IngestOptions()));

    [Theory]
    [InlineData("search", "search")]
    [InlineData("search-api", "search")]
    [InlineData("Checkout-API", "checkout")]
    public void The_product_label_names_a_product_or_an_alias(string label, string product)
    {
        Assert.Equal(product, _router.Route(Signal(new() { ["product"] = label })));
    }

    [Fact]
    public void A_product_label_naming_no_product_leaves_the_signal_unrouted_even_with_other_clues()
    {
        var signal = Signal(new() { ["product"] = "billing", ["service"] = "search" }) with { RoutingKey = TestCatalog.CheckoutRoutingKey };

        Assert.Null(_router.Route(signal));
    }

    [Fact]
    public void Then_the_PagerDuty_routing_key()
    {
        var signal = Signal(new() { ["component"] = "search-api" }) with { RoutingKey = TestCatalog.CheckoutRoutingKey };

        Assert.Equal("checkout", _router.Route(signal));
    }

    [Theory]
    [InlineData("service")]
    [InlineData("component")]
    [InlineData("app")]
    public void Then_the_service_component_and_app_labels(string label)
    {
        Assert.Equal("search", _router.Route(Signal(new() { [label] = "search-api" })));
    }

    [Fact]
    public void The_service_label_comes_before_component()
    {
        Assert.Equal("checkout", _router.Route(Signal(new() { ["component"] = "search", ["service"] = "checkout" })));
    }

    [Fact]
    public void Nothing_known_is_unrouted()
    {
        Assert.Null(_router.Route(Signal(new() { ["alertname"] = "X", ["service"] = "billing" }) with { RoutingKey = "unknown" }));
    }

    [Fact]
    public void Honours_the_configured_product_label()
    {
        var router = new SignalRouter(new TestCatalog(), Options.Create(new IngestOptions { ProductLabel = "team_product" }));

        Assert.Equal("search", router.Route(Signal(new() { ["team_product"] = "search", ["product"] = "nope" })));
    }

    [Fact]
    public void Follows_catalog_changes()
    {
        var catalog = new TestCatalog();
        var router = new SignalRouter(catalog, Options.Create(new IngestOptions()));
        Assert.Null(router.Route(Signal(new() { ["product"] = "billing" })));

        catalog.Current = catalog.Current with
        {
            Products = new Dictionary<string, Ops.Contracts.Catalog.ProductSpec>(catalog.Current.Products) { ["billing"] = new() { Name = "billing", Owner = "payments" } },
        };

        Assert.Equal("billing", router.Route(Signal(new() { ["product"] = "billing" })));
    }

    [Fact]
    public void Routes_a_change_by_its_routing_key()
    {
        var change = new ChangeEvent { Id = "c", Summary = "deployed", RoutingKey = TestCatalog.CheckoutRoutingKey };

        Assert.Equal("checkout", _router.Route(change));
    }

    private static Signal Signal(Dictionary<string, string> labels) =>
        new() { Id = "s", Fingerprint = "f", Source = SignalSources.Generic, Labels = labels };
}
