using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Ops.Console.Tests.Harness;
using Ops.Silo.Testing;
using static Microsoft.Playwright.Assertions;

namespace Ops.Console.Tests;

/// <summary>The promotions inbox: a click decides whether a learned runbook acts on its own.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PromotionTests(Chromium chromium) : IAsyncLifetime
{
    private LoopbackWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [SkippableFact]
    public async Task Promoting_by_click_makes_the_next_occurrence_remediate_automatically()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world, "--Loop:PromotionThreshold", "1");
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-1"));
        var incident = await silo.IncidentIdAsync("blog");
        await silo.PostActionAsync($"/api/v1/incidents/{incident}/resolve", new
        {
            actor = "li",
            fix = new { kind = "http", target = $"{_world.BaseUrl}/targets/blog/restart/blog-1", text = "restarted blog-1" },
        });
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-1", endsAt: DateTimeOffset.UtcNow.AddSeconds(-1)));
        var promotion = await Eventually.HoldsAsync(
            async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/promotions?product=blog")).FirstOrDefault(),
            p => p is not null,
            "the rule of three (threshold 1) to propose a runbook");
        var promotionId = promotion!["promotionId"]!.GetValue<string>();
        var runbook = promotion["runbook"]!["name"]!.GetValue<string>();

        await using var tab = await chromium.OpenAsync(silo, actor: "li");
        await tab.GotoAsync("promotions");
        var proposal = tab.Page.Locator($".proposal[data-promotion='{promotionId}']");
        await Expect(proposal).ToContainTextAsync("/targets/blog/restart/{{label.instance}}");
        await tab.ScreenshotAsync("promotions-inbox");
        await proposal.GetByRole(AriaRole.Button, new() { Name = $"Promote {runbook}", Exact = true }).ClickAsync();

        var promoted = await Eventually.HoldsAsync(
            async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/promotions?product=blog"))[0]!,
            p => p["state"]!.GetValue<string>() == "promoted",
            "the promotion to be promoted");
        Assert.Equal("li", promoted["decidedBy"]!.GetValue<string>());
        await Expect(tab.Page.Locator("#decided")).ToContainTextAsync("promoted");
        await Expect(proposal).ToHaveCountAsync(0);
        await Eventually.HoldsAsync(
            async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/incidents/correlation")).Count,
            open => open == 0,
            "correlation to close the resolved incident");

        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-7"));

        await Eventually.HoldsAsync(() => _world.Received("/targets/blog/restart/blog-7").Count == 1, "the promoted runbook to remediate blog-7 on its own");
        Assert.Empty(await silo.IncidentsAsync("state=open"));
        await tab.GotoAsync("products/blog");
        await Expect(tab.Page.Locator("#product-runs")).ToContainTextAsync("blog/", new() { Timeout = 20_000 });
        await tab.ScreenshotAsync("product-after-promotion");
        Assert.Empty(tab.ScriptErrors);
    }

    [SkippableFact]
    public async Task Approving_a_waiting_run_by_click_runs_its_remediation()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        await silo.SendAlertsAsync(OpsSilo.Alert("checkout", "CheckoutHighErrorRate", "critical", summary: "5xx at 7% after deploy"));
        var run = await Eventually.HoldsAsync(
            async () => (await silo.GetJsonAsync("/api/v1/products/checkout/agent"))["runs"]!.AsArray().FirstOrDefault(),
            r => r?["state"]?.GetValue<string>() == "awaiting-approval",
            "the confirm-first rollback to wait for the owner");
        var runId = run!["runId"]!.GetValue<string>();

        await using var tab = await chromium.OpenAsync(silo, actor: "amara");
        await tab.GotoAsync("promotions");
        var row = tab.Page.Locator("#waiting tr", new() { HasText = runId });
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Eventually.HoldsAsync(() => _world.Received("/targets/checkout/rollback").Count == 1, "the rollback hook to be called");
        var approved = (await silo.GetJsonAsync("/api/v1/products/checkout/agent"))["runs"]![0]!;
        Assert.Equal("amara", approved["approvedBy"]!.GetValue<string>());
        await Expect(tab.Page.Locator("#waiting")).ToContainTextAsync("No run is waiting");
    }
}
