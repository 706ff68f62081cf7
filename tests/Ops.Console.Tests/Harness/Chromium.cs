using System.Collections.Concurrent;
using Microsoft.Playwright;
using Ops.Silo.Testing;

namespace Ops.Console.Tests.Harness;

/// <summary>
/// Debian's chromium (<c>/usr/bin/chromium</c>) driven through Microsoft.Playwright: no downloaded browser. When it
/// is missing, browser tests skip, or fail when <c>OPS_REQUIRE_TOOLS=1</c> (scripts/test.sh sets it).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where every test leaves its screenshots: <c>screenshots/</c> under the test output directory.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>
    /// A new browser context on the silo at a laptop's 1366×768, with <paramref name="actor"/> already entered in
    /// "Acting as" (or nobody). Skips (or fails under OPS_REQUIRE_TOOLS=1) when chromium is not installed.
    /// </summary>
    public async Task<ConsolePage> OpenAsync(OpsSilo silo, string? actor = "amara")
    {
        if (_browser is null)
        {
            var why = $"{ExecutablePath} is not installed (scripts/install-test-packages.sh installs Debian's chromium).";
            if (Environment.GetEnvironmentVariable("OPS_REQUIRE_TOOLS") == "1")
            {
                Assert.Fail(why + " OPS_REQUIRE_TOOLS=1: browser tests must run.");
            }

            Skip.If(true, why);
        }

        var context = await _browser!.NewContextAsync(new()
        {
            BaseURL = silo.BaseUrl,
            ViewportSize = new() { Width = 1366, Height = 768 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        if (actor is not null)
        {
            await context.AddInitScriptAsync($"localStorage.setItem('ops.actor', {System.Text.Json.JsonSerializer.Serialize(actor)});");
        }

        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return new ConsolePage(context, page, silo.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>One console tab: the page, every URL it requested and every script error it raised.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string _origin;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _errors = new();

    internal ConsolePage(IBrowserContext context, IPage page, string origin)
    {
        _context = context;
        _origin = origin;
        Page = page;
        page.Request += (_, request) => _requests.Enqueue(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => _errors.Enqueue(error);
    }

    public IPage Page { get; }

    /// <summary>Requests that went anywhere but the silo (a CDN, a web font): there must be none.</summary>
    public IReadOnlyList<string> ForeignRequests => [.. _requests.Where(u => !u.StartsWith(_origin + "/", StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal))];

    public IReadOnlyList<string> ScriptErrors => [.. _errors];

    /// <summary>Opens the console at <c>/#/{route}</c> and waits for the page's first render.</summary>
    public async Task GotoAsync(string route)
    {
        await Page.GotoAsync("/#/" + route);
        await Page.Locator("main h1").First.WaitForAsync();
    }

    /// <summary>
    /// A full-page screenshot in <see cref="Chromium.ScreenshotDirectory"/>, scrolled to the top (the header is sticky)
    /// and without the transient toasts that would otherwise float over the middle of a tall page.
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        await Page.EvaluateAsync("() => { document.querySelectorAll('.toast').forEach(t => t.remove()); window.scrollTo(0, 0); }");
        await Page.Mouse.MoveAsync(0, 0);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "browser";
}
