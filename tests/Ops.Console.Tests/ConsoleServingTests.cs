using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Ops.Console.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.Console.Tests;

/// <summary>How the gateway serves the console: content negotiation at <c>/</c>, embedded assets under <c>/console/</c>.</summary>
public sealed class ConsoleServingTests : IAsyncLifetime
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
    public async Task The_root_answers_a_browser_with_the_console_and_any_other_client_with_the_status_document()
    {
        using var browser = new HttpRequestMessage(HttpMethod.Get, "/");
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var page = await _silo.Client.SendAsync(browser);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("/console/app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Accept", page.Headers.Vary);

        foreach (var accept in new[] { null, "*/*", "application/json", "application/json, text/html;q=0.5" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }

            using var response = await _silo.Client.SendAsync(request);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.NotNull(status["siloId"]);
        }
    }

    [Fact]
    public async Task Assets_come_from_the_assembly_with_their_types_and_a_policy_that_lets_the_page_load_only_from_the_silo()
    {
        var expected = new Dictionary<string, string>
        {
            ["/console/app.js"] = "text/javascript",
            ["/console/pages/incident.js"] = "text/javascript",
            ["/console/app.css"] = "text/css",
            ["/console/favicon.svg"] = "image/svg+xml",
        };
        foreach (var (path, type) in expected)
        {
            using var response = await _silo.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("http", policy, StringComparison.Ordinal);

            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(response.Headers.ETag!.Tag));
            using var revalidated = await _silo.Client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }

        using var head = await _silo.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/console/app.js"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("text/javascript", head.Content.Headers.ContentType!.MediaType);

        using var missing = await _silo.Client.GetAsync("/console/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
