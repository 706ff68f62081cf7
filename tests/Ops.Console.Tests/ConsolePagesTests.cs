using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Ops.Console.Tests.Harness;
using Ops.Silo.Testing;
using static Microsoft.Playwright.Assertions;

namespace Ops.Console.Tests;

/// <summary>
/// Every console page over a silo with something on every page (runs, incidents in each state, a promotion, a
/// deploy, unrouted signals, toil): each renders, raises no script error, loads nothing from outside the silo, labels
/// every form control, and leaves a full-page screenshot in <c>screenshots/</c> of the test output.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsolePagesTests(Chromium chromium) : IAsyncLifetime
{
    private LoopbackWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [SkippableFact]
    public async Task Every_page_renders_a_busy_silo_from_the_silo_alone()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world, "--Loop:PromotionThreshold", "1");
        var platform = await BusyAsync(silo);
        await using var tab = await chromium.OpenAsync(silo, actor: "amara");
        var page = tab.Page;

        await tab.GotoAsync("incidents");
        await Expect(page.Locator(".column-open .card")).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await Expect(page.Locator(".column-acknowledged .card")).ToHaveCountAsync(1);
        await Expect(page.Locator(".column-resolved .card")).ToHaveCountAsync(1);
        await tab.ScreenshotAsync("board");

        await tab.GotoAsync($"incidents/{platform}");
        await Expect(page.Locator("#incident-pages tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator("#incident-symptoms tbody tr")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await AssertEveryControlIsLabelledAsync(page);
        await tab.ScreenshotAsync("incident-platform");

        await tab.GotoAsync("products");
        await Expect(page.Locator("#products tbody tr")).ToHaveCountAsync(5);
        await tab.ScreenshotAsync("products");

        await tab.GotoAsync("products/checkout");
        await Expect(page.Locator("#product-runs")).ToContainTextAsync("awaiting approval");
        await Expect(page.Locator("#product-changes")).ToContainTextAsync("Deploy checkout 2026.11.4");
        await tab.ScreenshotAsync("product");

        await tab.GotoAsync("promotions");
        await Expect(page.Locator(".proposal")).ToHaveCountAsync(1);
        await Expect(page.Locator("#waiting tbody tr")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await tab.ScreenshotAsync("promotions");

        await tab.GotoAsync("portfolio");
        await Expect(page.Locator("svg.scatter .point")).ToHaveCountAsync(5);
        await tab.ScreenshotAsync("portfolio");

        await tab.GotoAsync("builders");
        await Expect(page.Locator("#builders tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#builders [role=meter]")).ToHaveCountAsync(3);
        await tab.ScreenshotAsync("builders");

        await tab.GotoAsync("cluster");
        await Expect(page.Locator(".partition")).ToHaveCountAsync(64);
        await Expect(page.Locator("#silos")).ToContainTextAsync("this silo");
        await page.Locator(".partition").Nth(9).FocusAsync();
        await tab.ScreenshotAsync("cluster");

        await tab.GotoAsync("unrouted");
        await Expect(page.Locator("#unrouted tbody tr")).ToHaveCountAsync(2);
        await tab.ScreenshotAsync("unrouted");

        await page.GotoAsync("/#/no-such-page");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Nothing here");

        Assert.Empty(tab.ForeignRequests);
        Assert.Empty(tab.ScriptErrors);
    }

    /// <summary>Something on every page; returns the platform incident's id.</summary>
    private async Task<string> BusyAsync(OpsSilo silo)
    {
        // A deploy on checkout, then a symptom its confirm-first rollback runbook matches: a run waits for the owner.
        await silo.SendAsync("/v2/change/enqueue", new
        {
            routing_key = TestPortfolio.CheckoutRoutingKey,
            payload = new { summary = "Deploy checkout 2026.11.4", source = "ci", custom_details = new { version = "2026.11.4", commit = "9f3c2ab" } },
            links = new[] { new { href = "https://ci.example/run/42", text = "CI run 42" } },
        });
        await silo.SendAlertsAsync(
            OpsSilo.Alert("checkout", "CheckoutHighErrorRate", "critical", summary: "5xx at 7% since the deploy"),
            OpsSilo.Alert("search", "SearchLatencyHigh", "warning", instance: "search-2", summary: "p99 latency 1.8s"),
            OpsSilo.Alert("orders", "OrdersQueueBacklog", "error", instance: "orders-1", summary: "fulfilment backlog above 10k"));

        // One incident resolved with an http fix (threshold 1: a promotion is proposed) ...
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-1", summary: "blog answers 502"));
        var blog = await silo.IncidentIdAsync("blog");
        await silo.PostActionAsync($"/api/v1/incidents/{blog}/acknowledge", new { actor = "li" });
        await silo.PostActionAsync($"/api/v1/incidents/{blog}/resolve", new
        {
            actor = "li",
            fix = new { kind = "http", target = $"{_world.BaseUrl}/targets/blog/restart/blog-1", parameters = new { method = "POST" }, text = "restarted blog-1" },
        });
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-1", endsAt: DateTimeOffset.UtcNow.AddSeconds(-1)));
        await Eventually.HoldsAsync(async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/promotions")).Count, n => n == 1, "the promotion");

        // ... one acknowledged, with a note ...
        await silo.SignalAsync(new { product = "search", name = "SearchIndexStale", severity = "warning", summary = "index 3h behind the catalog" });
        var search = await silo.IncidentIdAsync("search");
        await silo.PostActionAsync($"/api/v1/incidents/{search}/acknowledge", new { actor = "sofia" });
        await silo.PostActionAsync($"/api/v1/incidents/{search}/notes", new { actor = "sofia", text = "reindex job stuck on a lock; looking" });

        // ... and open ones: the shared database itself (platform: the tier is paged) with two dependents hurting
        // through it, and a product with no runbook for its symptom.
        await silo.SignalAsync(new { product = "shop-db", name = "ConnectionsSaturated", severity = "critical", summary = "connection pool at 98% on pg-primary" });
        var platform = await silo.IncidentIdAsync("shop-db");
        await silo.SignalAsync(new { product = "orders", name = "OrdersTimeouts", severity = "error", summary = "order lookups time out" });
        await Eventually.HoldsAsync(() => silo.IncidentAsync(platform), v => v["symptoms"]!.AsArray().Count == 2, "orders to join the platform incident");
        await silo.SignalAsync(new { product = "checkout", name = "CheckoutLatencyHigh", severity = "warning", summary = "p95 checkout 2.4s", labels = new { region = "eu-west" } });
        await Eventually.HoldsAsync(() => silo.IncidentAsync(platform), v => v["symptoms"]!.AsArray().Count == 3, "checkout to join the platform incident");
        await silo.SignalAsync(new { product = "blog", name = "BlogCertExpiring", severity = "warning", summary = "TLS certificate expires in 6 days" });
        await Eventually.HoldsAsync(() => silo.IncidentsAsync("state=open"), list => list.Count == 2, "two open incidents");

        // Signals nobody could route, and toil.
        await silo.SignalAsync(new { name = "DiskFull", labels = new { service = "billing" }, summary = "disk 97% on billing-db-2" });
        await silo.SendAsync("/v2/enqueue", new
        {
            routing_key = "UNKNOWNKEY000000000000000000000X",
            event_action = "trigger",
            payload = new { summary = "Payment provider webhook failures", source = "stripe-hooks", severity = "error" },
        });
        await silo.PostActionAsync("/api/v1/builders/shop-team/toil", new { actor = "jonas", product = "orders", minutes = 90 });
        return platform;
    }

    private static async Task AssertEveryControlIsLabelledAsync(IPage page)
    {
        var unlabelled = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea, button')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML)");
        Assert.Empty(unlabelled);
    }
}
