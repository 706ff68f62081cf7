using Microsoft.Playwright;
using Ops.Console.Tests.Harness;
using Ops.Silo.Testing;
using static Microsoft.Playwright.Assertions;

namespace Ops.Console.Tests;

/// <summary>Acknowledge, note and resolve by clicks: what the browser does is what the API then shows.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IncidentActionTests(Chromium chromium) : IAsyncLifetime
{
    private LoopbackWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [SkippableFact]
    public async Task Acknowledging_and_resolving_by_clicks_changes_the_incident_seen_through_the_API()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        await silo.SignalAsync(new { product = "blog", name = "BlogDown", severity = "error", summary = "blog answers 502", labels = new { instance = "blog-1" } });
        var id = await silo.IncidentIdAsync("blog");
        await using var tab = await chromium.OpenAsync(silo, actor: "amara");
        var page = tab.Page;
        await tab.GotoAsync($"incidents/{id}");
        await Expect(page.Locator("#incident-title")).ToHaveTextAsync("blog: blog answers 502");

        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true }).ClickAsync();
        var acknowledged = await Eventually.HoldsAsync(() => silo.IncidentAsync(id), v => State(v) == "acknowledged", "the incident to be acknowledged");
        Assert.Equal("amara", acknowledged["acknowledgedBy"]!.GetValue<string>());
        await Expect(page.Locator(".incident-badges .pill")).ToHaveTextAsync("acknowledged");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true })).ToBeDisabledAsync();

        await page.GetByLabel("Note", new() { Exact = true }).FillAsync("blog-1 stuck in CrashLoopBackOff after the 09:40 deploy");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await Expect(page.Locator(".tl-note")).ToContainTextAsync("CrashLoopBackOff");

        await page.GetByLabel("Kind").SelectOptionAsync("http");
        await page.GetByLabel("URL called").FillAsync($"{_world.BaseUrl}/targets/blog/restart/blog-1");
        await page.GetByLabel("Parameters").FillAsync("method=POST\nreason=crashloop");
        await page.GetByLabel("What you did").FillAsync("Restarted blog-1");
        await tab.ScreenshotAsync("incident");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve", Exact = true }).ClickAsync();

        var resolved = await Eventually.HoldsAsync(() => silo.IncidentAsync(id), v => State(v) == "resolved", "the incident to be resolved");
        Assert.Equal("amara", resolved["resolvedBy"]!.GetValue<string>());
        var fix = resolved["fix"]!;
        Assert.Equal("http", fix["kind"]!.GetValue<string>());
        Assert.Equal($"{_world.BaseUrl}/targets/blog/restart/blog-1", fix["target"]!.GetValue<string>());
        Assert.Equal("POST", fix["parameters"]!["method"]!.GetValue<string>());
        Assert.Equal("crashloop", fix["parameters"]!["reason"]!.GetValue<string>());
        Assert.Equal("Restarted blog-1", fix["text"]!.GetValue<string>());
        Assert.Contains(resolved["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "note" && e["actor"]!.GetValue<string>() == "amara");
        await Expect(page.Locator(".incident-badges .pill")).ToHaveTextAsync("resolved");
        await tab.ScreenshotAsync("incident-resolved");
        Assert.Empty(tab.ScriptErrors);
    }

    [SkippableFact]
    public async Task An_action_waits_for_a_name_and_is_recorded_under_the_name_entered()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        await silo.SignalAsync(new { product = "blog", name = "BlogDown", severity = "error", summary = "blog answers 502" });
        var id = await silo.IncidentIdAsync("blog");
        await using var tab = await chromium.OpenAsync(silo, actor: null);
        var page = tab.Page;
        await tab.GotoAsync($"incidents/{id}");
        var acknowledge = page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true });
        await Expect(acknowledge).ToBeEnabledAsync();

        await acknowledge.ClickAsync();
        await Expect(page.Locator(".toast-error")).ToContainTextAsync("Acting as");
        await Expect(page.GetByLabel("Acting as")).ToBeFocusedAsync();
        Assert.Equal("open", State(await silo.IncidentAsync(id)));

        await page.GetByLabel("Acting as").FillAsync("jonas");
        await page.GetByLabel("Acting as").PressAsync("Enter");
        await acknowledge.ClickAsync();
        var acknowledged = await Eventually.HoldsAsync(() => silo.IncidentAsync(id), v => State(v) == "acknowledged", "the incident to be acknowledged");
        Assert.Equal("jonas", acknowledged["acknowledgedBy"]!.GetValue<string>());
    }

    private static string State(System.Text.Json.Nodes.JsonNode incident) => incident["summary"]!["state"]!.GetValue<string>();
}
