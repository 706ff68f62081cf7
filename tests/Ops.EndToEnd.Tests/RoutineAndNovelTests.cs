using System.Text.Json.Nodes;
using Ops.EndToEnd.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.EndToEnd.Tests;

/// <summary>The loop over real HTTP on both sides: routine absorbed with nobody paged, novel failures paged by blast radius.</summary>
public sealed class RoutineAndNovelTests : IAsyncLifetime
{
    private LoopbackWorld _world = null!;
    private OpsSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _world = await LoopbackWorld.StartAsync();
        _silo = await TestPortfolio.StartSiloAsync(_world);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_known_failure_sent_by_Alertmanager_is_remediated_and_verified_with_nobody_paged()
    {
        // The real Alertmanager 0.25 webhook body, byte for byte: product=search, alertname=SearchLatencyHigh.
        var firing = RealSender.Body("alertmanager-0.25-webhook-firing.json");
        using (var accepted = await _silo.PostAsync("/api/v1/ingest/alertmanager", firing))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var run = await Eventually.HoldsAsync(
            async () => (await _silo.AgentAsync("search"))["runs"]!.AsArray().FirstOrDefault(),
            r => r?["state"]?.GetValue<string>() == "verifying",
            "the search runbook to remediate and wait for verification");
        Assert.Single(_world.Received("/targets/search/restart"));
        Assert.Equal(run!["remediation"]![0]!["idempotencyKey"]!.GetValue<string>(), _world.Received("/targets/search/restart")[0].IdempotencyKey);

        using (await _silo.PostAsync("/api/v1/ingest/alertmanager", RealSender.Body("alertmanager-0.25-webhook-resolved.json")))
        {
        }

        await Eventually.HoldsAsync(
            async () => (await _silo.AgentAsync("search"))["runs"]![0]!["state"]!.GetValue<string>(),
            state => state == "verified",
            "the run to verify once the symptom resolved");
        Assert.Empty(await _silo.IncidentsAsync());
        Assert.DoesNotContain(_world.All, r => r.Path.StartsWith("/notify/", StringComparison.Ordinal) || r.Path.StartsWith("/slack/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_remediation_opens_an_incident_that_pages_the_owning_builder()
    {
        _world.Fail("/targets/orders/drain", 503);

        using (var accepted = await _silo.PostAsync("/api/v1/signals", """{"product":"orders","name":"OrdersQueueBacklog","severity":"error","summary":"orders queue 5k deep"}"""))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var incident = await Eventually.HoldsAsync(() => _silo.IncidentsAsync(), list => list.Count == 1, "one incident");
        var id = incident[0]!["incidentId"]!.GetValue<string>();
        Assert.Equal("product", incident[0]!["blastRadius"]!.GetValue<string>());
        var view = await Eventually.HoldsAsync(
            () => _silo.GetJsonAsync($"/api/v1/incidents/{id}"),
            v => v["pages"]!.AsArray().Count == 1 && v["pages"]![0]!["deliveries"]!.AsArray().Count == 2,
            "the page to be delivered on both channels");
        Assert.Equal("remediation-failed", view["reason"]!.GetValue<string>());
        var page = view["pages"]![0]!;
        Assert.Equal("shop-team", page["recipient"]!.GetValue<string>());
        Assert.Equal("paged", page["reason"]!.GetValue<string>());
        Assert.Single(_world.Received("/notify/shop-team"));
        Assert.Single(_world.Received("/slack/shop-team"));

        // The remediation was retried with one idempotency key (Polly), then given up.
        var attempts = _world.Received("/targets/orders/drain");
        Assert.True(attempts.Count >= 2, $"expected retries, saw {attempts.Count}");
        Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
        var run = (await _silo.AgentAsync("orders"))["runs"]![0]!;
        Assert.Equal("failed", run["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_platform_symptom_with_dependents_hurting_is_one_platform_incident_paging_the_architects()
    {
        await _silo.SendAlertsAsync(OpsSilo.Alert("shop-db", "DbConnectionsExhausted", "critical"));
        var first = await Eventually.HoldsAsync(() => _silo.IncidentsAsync(), list => list.Count == 1, "the platform incident");
        Assert.Equal("platform", first[0]!["blastRadius"]!.GetValue<string>());

        await _silo.SendAlertsAsync(OpsSilo.Alert("checkout", "CheckoutSlow", "error"), OpsSilo.Alert("search", "SearchErrors", "error"));
        var incident = await Eventually.HoldsAsync(
            async () => (await _silo.IncidentsAsync())[0]!,
            i => i["products"]!.AsArray().Count == 3,
            "checkout and search to join the platform incident");

        Assert.Single(await _silo.IncidentsAsync());
        Assert.Equal("shop-db", incident["rootProduct"]!.GetValue<string>());
        var view = await Eventually.HoldsAsync(
            () => _silo.GetJsonAsync($"/api/v1/incidents/{incident["incidentId"]}"),
            v => v["pages"]!.AsArray().Count == 4 && v["pages"]!.AsArray().All(p => p!["deliveries"]!.AsArray().Count > 0),
            "the architects paged and the three builders informed");
        var pages = view["pages"]!.AsArray().Select(p => (Kind: p!["recipientKind"]!.GetValue<string>(), Name: p["recipient"]!.GetValue<string>(), Reason: p["reason"]!.GetValue<string>())).ToList();
        Assert.Contains(("tier", "architects", "paged"), pages);
        Assert.Contains(("builder", "platform-team", "informed"), pages);
        Assert.Contains(("builder", "shop-team", "informed"), pages);
        Assert.Contains(("builder", "search-team", "informed"), pages);
        Assert.Single(_world.Received("/notify/architects"));
        Assert.Single(_world.Received("/teams/platform-team"));
    }

    [Fact]
    public async Task Dependents_hurting_together_are_one_cross_product_incident_on_their_common_dependency()
    {
        await _silo.SendAlertsAsync(OpsSilo.Alert("checkout", "CheckoutSlow", "error"));
        await Eventually.HoldsAsync(() => _silo.IncidentsAsync(), list => list.Count == 1, "checkout's incident");
        await _silo.SendAlertsAsync(OpsSilo.Alert("search", "SearchErrors", "error"));

        var incident = await Eventually.HoldsAsync(
            async () => (await _silo.IncidentsAsync())[0]!,
            i => i["blastRadius"]!.GetValue<string>() == "cross-product",
            "the incident to widen to cross-product");
        Assert.Single(await _silo.IncidentsAsync());
        Assert.Equal("shop-db", incident["rootProduct"]!.GetValue<string>());
        await Eventually.HoldsAsync(() => _world.Received("/notify/architects").Count == 1, "the architects to be paged");
        await Eventually.HoldsAsync(() => _world.Received("/notify/search-team").Count == 1, "search's builder to be informed");
        Assert.Single(_world.Received("/notify/shop-team"));
    }

    [Fact]
    public async Task Alertmanager_resends_and_PagerDuty_dedup_create_no_duplicate_incident_or_page()
    {
        for (var i = 0; i < 5; i++)
        {
            await _silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-1"));
        }

        var trigger = RealSender.Body("pdjs-2.2.4-events-v2-trigger.json");
        for (var i = 0; i < 3; i++)
        {
            using var response = await _silo.PostAsync("/v2/enqueue", trigger);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("success", body["status"]!.GetValue<string>());
            Assert.Equal("checkout-5xx", body["dedup_key"]!.GetValue<string>());
        }

        await Eventually.HoldsAsync(() => _silo.IncidentsAsync(), list => list.Count == 2, "one incident for blog and one for checkout");
        using (await _silo.PostAsync("/v2/enqueue", RealSender.Body("pdjs-2.2.4-events-v2-acknowledge.json")))
        using (await _silo.PostAsync("/v2/enqueue", RealSender.Body("pdjs-2.2.4-events-v2-resolve.json")))
        using (await _silo.PostAsync("/v2/enqueue", trigger))
        {
        }

        // A trigger after resolve is a new alert (a new occurrence): it joins the open incident, no new page.
        await Eventually.HoldsAsync(
            async () => (await _silo.GetJsonAsync("/api/v1/products/checkout"))["live"]!["symptoms"]![0]!["occurrences"]!.GetValue<int>(),
            n => n == 2,
            "the second checkout occurrence");
        await Task.Delay(500);
        var incidents = await _silo.IncidentsAsync();
        Assert.Equal(2, incidents.Count);
        Assert.Single(_world.Received("/notify/search-team"));
        Assert.Single(_world.Received("/notify/shop-team"));
        var checkout = incidents.Single(i => i!["rootProduct"]!.GetValue<string>() == "checkout")!;
        var view = await _silo.GetJsonAsync($"/api/v1/incidents/{checkout["incidentId"]}");
        Assert.Equal(2, view["symptoms"]!.AsArray().Count);
        Assert.Single(view["pages"]!.AsArray());
    }
}
