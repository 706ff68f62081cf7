using Ops.Console.Tests.Harness;
using Ops.Silo.Testing;
using static Microsoft.Playwright.Assertions;

namespace Ops.Console.Tests;

/// <summary>The incidents board follows the API live, without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IncidentBoardTests(Chromium chromium) : IAsyncLifetime
{
    private LoopbackWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [SkippableFact]
    public async Task A_signal_sent_through_the_API_appears_on_the_open_board()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        await using var tab = await chromium.OpenAsync(silo);
        await tab.GotoAsync("incidents");
        await Expect(tab.Page.Locator(".column-open")).ToContainTextAsync("Nothing open");

        await silo.SignalAsync(new { product = "blog", name = "BlogDown", severity = "error", summary = "blog answers 502" });

        var card = tab.Page.Locator(".column-open .card", new() { HasText = "blog: blog answers 502" });
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(card.Locator(".sev")).ToHaveTextAsync("SEV3");
        await Expect(tab.Page.Locator("#announcer")).ToContainTextAsync("New incident");
        await Expect(tab.Page.Locator("#nav-open")).ToHaveTextAsync("1");
        await tab.ScreenshotAsync("board-after-one-signal");
        Assert.Empty(tab.ScriptErrors);
    }
}
