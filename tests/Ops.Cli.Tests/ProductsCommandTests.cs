using Ops.Cli.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.Cli.Tests;

/// <summary><c>opsctl products</c>, <c>builders</c>, <c>capacity</c>, <c>portfolio</c>, <c>unrouted</c> against a real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class ProductsCommandTests(CliSilo silo)
{
    [Fact]
    public async Task Transfer_hands_the_product_to_the_new_builder()
    {
        var transfer = await silo.Opsctl("amara").RunAsync("products", "transfer", "shop", "--to", "docs-team");

        Assert.True(transfer.ExitCode == 0, transfer.ToString());
        Assert.Contains("shop now belongs to docs-team", transfer.Stdout, StringComparison.Ordinal);
        var product = await silo.Opsctl().JsonAsync("products", "show", "shop");
        Assert.Equal("docs-team", (string?)product["spec"]!["owner"]);
        var builder = await silo.Opsctl().JsonAsync("builders", "show", "docs-team");
        Assert.Contains("shop", builder["live"]!["ownedProducts"]!.AsArray().Select(p => (string?)p));
    }

    [Fact]
    public async Task Transfer_to_a_builder_not_in_the_catalog_exits_1()
    {
        var transfer = await silo.Opsctl().RunAsync("products", "transfer", "blog", "--to", "nobody-team");

        Assert.Equal((int)ExitCode.Invalid, transfer.ExitCode);
        Assert.Contains("nobody-team", transfer.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retiring_an_unknown_product_exits_3()
    {
        var retire = await silo.Opsctl().RunAsync("products", "retire", "no-such-product");

        Assert.Equal((int)ExitCode.NotFound, retire.ExitCode);
    }

    [Fact]
    public async Task Show_prints_the_spec_and_the_live_symptoms()
    {
        await silo.SignalAsync("""{"product":"search","name":"SearchIndexStale","severity":"warning"}""");
        var opsctl = silo.Opsctl();
        await Eventually.HoldsAsync(
            () => opsctl.JsonAsync("products", "show", "search"),
            product => product["live"]!["symptoms"]!.AsArray().Count > 0,
            "the search symptom");

        var show = await opsctl.RunAsync("products", "show", "search");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("docs-team", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("SearchIndexStale", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Toil_counts_in_the_builders_load()
    {
        var toil = await silo.Opsctl("jonas").JsonAsync("builders", "toil", "web-team", "--product", "wiki", "--minutes", "45");

        Assert.True((double)toil["toilMinutesInWindow"]! >= 45);
        var capacity = await silo.Opsctl().JsonAsync("capacity");
        Assert.Contains(capacity["builders"]!.AsArray(), b => (string?)b!["builder"] == "web-team" && (double)b["toilMinutesInWindow"]! >= 45);
    }

    [Fact]
    public async Task Portfolio_ranks_every_product()
    {
        var portfolio = await silo.Opsctl().JsonAsync("portfolio");

        var products = portfolio["products"]!.AsArray().Select(p => (string?)p!["product"]).ToList();
        Assert.Contains("blog", products);
        Assert.Contains("search", products);
    }

    [Fact]
    public async Task A_signal_for_no_known_product_is_listed_as_unrouted()
    {
        await silo.SignalAsync("""{"product":"mystery-service","name":"DiskFull"}""");

        var unrouted = await Eventually.HoldsAsync(
            () => silo.Opsctl().JsonAsync("unrouted", "--limit", "10"),
            u => u["recent"]!.AsArray().Any(s => (string?)s!["labels"]!["product"] == "mystery-service"),
            "the unrouted signal");

        Assert.True((long)unrouted["total"]! >= 1);
    }
}
