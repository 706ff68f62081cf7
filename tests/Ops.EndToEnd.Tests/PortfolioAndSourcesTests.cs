using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Ops.EndToEnd.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.EndToEnd.Tests;

/// <summary>Silent sources, lapsing alerts, retire / transfer, the portfolio and capacity, catalog changes through the API.</summary>
public sealed class PortfolioAndSourcesTests : IAsyncLifetime
{
    private LoopbackWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_heartbeat_source_that_goes_silent_becomes_a_machinery_signal_and_its_next_beat_resolves_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestPortfolio.StartSiloAsync(_world, clock);
        using (var beat = await silo.PostAsync("/api/v1/heartbeats/blog-prober?interval=1m&product=blog", "{}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, beat.StatusCode);
        }

        await Eventually.HoldsAsync(async () => (await silo.GetJsonAsync("/api/v1/heartbeats/blog-prober"))["beats"]!.GetValue<long>(), n => n == 1, "the beat");
        clock.Advance(TimeSpan.FromSeconds(100));

        var symptom = await Eventually.HoldsAsync(
            async () => (await silo.GetJsonAsync("/api/v1/products/blog"))["live"]!["symptoms"]!.AsArray().FirstOrDefault(),
            s => s?["status"]?.GetValue<string>() == "firing",
            "the silent source to fire a machinery signal");
        Assert.Equal("machinery", symptom!["layer"]!.GetValue<string>());
        Assert.Equal("HeartbeatMissing", symptom["labels"]!["alertname"]!.GetValue<string>());
        await Eventually.HoldsAsync(() => silo.IncidentsAsync(), list => list.Count == 1, "the silent source to page (no runbook)");

        using (await silo.PostAsync("/api/v1/heartbeats/blog-prober?interval=1m&product=blog", "{}"))
        {
        }

        await Eventually.HoldsAsync(
            async () => (await silo.GetJsonAsync("/api/v1/products/blog"))["live"]!["symptoms"]![0]!["status"]!.GetValue<string>(),
            s => s == "resolved",
            "the next beat to resolve it");
    }

    [Fact]
    public async Task An_Alertmanager_client_alert_without_endsAt_resolves_after_the_resolve_timeout_unless_resent()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestPortfolio.StartSiloAsync(_world, clock);
        var alert = """[{"labels":{"alertname":"SearchLatencyHigh","product":"search","instance":"s-1"},"annotations":{"summary":"slow"}}]""";
        using (await silo.PostAsync("/api/v2/alerts", alert))
        {
        }

        await Eventually.HoldsAsync(async () => (await silo.AgentAsync("search"))["runs"]!.AsArray().Count, n => n == 1, "the run");
        clock.Advance(TimeSpan.FromMinutes(3));
        using (await silo.PostAsync("/api/v2/alerts", alert))
        {
        }

        // The re-send is applied asynchronously: the clock must not pass the first resolve timeout before it is (or
        // the alert lapses first and the re-send opens a second occurrence, as it should).
        await Eventually.HoldsAsync(
            async () => (await silo.GetJsonAsync("/api/v1/products/search"))["live"]!["symptoms"]![0]!["signalCount"]!.GetValue<long>(),
            n => n == 2,
            "the re-sent alert to be applied");
        clock.Advance(TimeSpan.FromMinutes(3));
        await Task.Delay(1000);
        Assert.Equal("firing", (await silo.GetJsonAsync("/api/v1/products/search"))["live"]!["symptoms"]![0]!["status"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromMinutes(3));
        await Eventually.HoldsAsync(
            async () => (await silo.AgentAsync("search"))["runs"]![0]!["state"]!.GetValue<string>(),
            state => state == "verified",
            "the lapsed alert to resolve and verify the run");
        Assert.Single(_world.Received("/targets/search/restart"));
    }

    [Fact]
    public async Task A_retired_product_keeps_its_history_and_pages_nobody_and_a_transferred_one_pages_its_new_owner()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        var retired = await silo.PostActionAsync("/api/v1/products/blog/retire", new { actor = "cto" });
        Assert.Equal("retired", retired["lifecycle"]!.GetValue<string>());
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error"));
        await Eventually.HoldsAsync(
            async () => (await silo.GetJsonAsync("/api/v1/products/blog"))["live"]!["signalsReceived"]!.GetValue<long>(),
            n => n == 1,
            "the retired product to record the signal");
        await Task.Delay(500);
        Assert.Empty(await silo.IncidentsAsync());
        Assert.Empty(_world.Received("/notify/search-team"));

        var transferred = await silo.PostActionAsync("/api/v1/products/orders/transfer", new { actor = "cto", to = "search-team" });
        Assert.Equal("search-team", transferred["owner"]!.GetValue<string>());
        await silo.SendAlertsAsync(OpsSilo.Alert("orders", "OrdersSlow", "error"));
        await Eventually.HoldsAsync(() => _world.Received("/notify/search-team").Count == 1, "the new owner to be paged");
        Assert.Empty(_world.Received("/notify/shop-team"));
    }

    [Fact]
    public async Task The_portfolio_ranks_tail_against_value_and_capacity_recommends_relief_for_an_overloaded_builder()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world, null, "--Loop:HighTailHours", "3", "--Loop:CorrelationWindow", "00:00:01");
        for (var i = 0; i < 3; i++)
        {
            await silo.SendAlertsAsync(OpsSilo.Alert("blog", $"BlogBroken{i}", "error"));
            await Eventually.HoldsAsync(() => silo.IncidentsAsync(), list => list.Count == i + 1, $"incident {i + 1}");
            await Task.Delay(1100);
        }

        using (var toil = await silo.Client.PostAsJsonAsync("/api/v1/builders/search-team/toil", new { actor = "li", product = "search", minutes = 240 }))
        {
            Assert.Equal(HttpStatusCode.OK, toil.StatusCode);
        }

        var portfolio = await Eventually.HoldsAsync(
            () => silo.GetJsonAsync("/api/v1/portfolio"),
            p => p["products"]![0]!["product"]!.GetValue<string>() == "blog" && p["products"]![0]!["incidents"]!.GetValue<int>() == 3,
            "blog to top the tail ranking");
        var blog = portfolio["products"]![0]!;
        Assert.Equal(240, portfolio["products"]!.AsArray().Single(p => p!["product"]!.GetValue<string>() == "search")!["toilMinutes"]!.GetValue<double>());
        Assert.Equal("retire", blog["recommendation"]!.GetValue<string>());
        Assert.Equal(3, blog["pages"]!.GetValue<int>());

        var capacity = await silo.GetJsonAsync("/api/v1/capacity");
        var searchTeam = capacity["builders"]!.AsArray().Single(b => b!["builder"]!.GetValue<string>() == "search-team")!;
        Assert.True(searchTeam["overCapacity"]!.GetValue<bool>(), searchTeam.ToJsonString());
        Assert.Contains(capacity["recommendations"]!.AsArray(), r => r!["builder"]!.GetValue<string>() == "search-team" && r["kind"]!.GetValue<string>() == "retire" && r["product"]!.GetValue<string>() == "blog");
    }

    [Fact]
    public async Task A_human_action_without_an_actor_or_with_an_unreadable_body_is_a_problem_naming_the_field()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        using var anonymous = new HttpClient { BaseAddress = silo.Client.BaseAddress };
        using (var response = await anonymous.PostAsJsonAsync("/api/v1/builders/shop-team/toil", new { product = "checkout", minutes = 5 }))
        {
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull(problem["errors"]!["actor"]);
        }

        using var unreadable = new StringContent("""{"actor":"li","minutes":"lots"}""", Encoding.UTF8, "application/json");
        using (var response = await silo.Client.PostAsync("/api/v1/builders/shop-team/toil", unreadable))
        {
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull(problem["errors"]!["$.minutes"]);
        }
    }

    [Fact]
    public async Task Catalog_documents_sent_through_the_API_are_validated_like_files_and_applied()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        using var broken = new StringContent("""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: wiki }
            spec:
              owner: search-team
              tier: 7
            """, Encoding.UTF8, "application/yaml");
        using (var response = await silo.Client.PostAsync("/api/v1/catalog/documents", broken))
        {
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("spec.tier", problem["errors"]!.AsObject().Select(e => e.Key));
            Assert.Contains("request:6:", problem["errors"]!["spec.tier"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using var valid = new StringContent("""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: wiki }
            spec: { owner: search-team, tier: 3, dependsOn: [shop-db] }
            """, Encoding.UTF8, "application/yaml");
        using (var response = await silo.Client.PostAsync("/api/v1/catalog/documents", valid))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // All or nothing: a valid product sent with a runbook that cannot work for it creates neither.
        using var half = new StringContent("""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: ledger }
            spec: { owner: shop-team }
            ---
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: ledger-rollback }
            spec:
              product: ledger
              remediation:
                - { name: rollback, rollback: {} }
            """, Encoding.UTF8, "application/yaml");
        using (var response = await silo.Client.PostAsync("/api/v1/catalog/documents", half))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var ledger = await silo.Client.GetAsync("/api/v1/products/ledger"))
        {
            Assert.Equal(HttpStatusCode.NotFound, ledger.StatusCode);
        }

        var wiki = await silo.GetJsonAsync("/api/v1/products/wiki");
        Assert.Equal("api:e2e-test", wiki["spec"]!["declaredAt"]!["file"]!.GetValue<string>());
        Assert.Equal("search-team", wiki["spec"]!["owner"]!.GetValue<string>());
        Assert.Contains("wiki", (await silo.GetJsonAsync("/api/v1/products/shop-db"))["dependents"]!.AsArray().Select(d => d!.GetValue<string>()));
    }
}
