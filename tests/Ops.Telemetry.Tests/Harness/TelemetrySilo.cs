using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ops.Silo.Hosting;

namespace Ops.Telemetry.Tests.Harness;

/// <summary>
/// A real silo host built by <see cref="SiloApp.Build"/> the way <c>Program</c> builds it (Kestrel on a free loopback
/// port, SQLite in a temp directory) over a one-product portfolio whose remediation target and page channel are the
/// <see cref="LoopbackWorld"/>: product <c>orders</c> (owner <c>shop-team</c>, a webhook channel) with the runbook
/// <c>orders-drain</c> for <c>OrdersQueueBacklog</c>, which POSTs <c>/targets/orders/drain</c>.
/// </summary>
public sealed class TelemetrySilo : IAsyncDisposable
{
    public const string DrainPath = "/targets/orders/drain";
    public const string PagePath = "/notify/shop-team";

    private TelemetrySilo(WebApplication app, HttpClient client, string directory)
    {
        App = app;
        Client = client;
        Directory = directory;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>The silo's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address => Client.BaseAddress!;

    public string Directory { get; }

    public static async Task<TelemetrySilo> StartAsync(LoopbackWorld world, params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ops-telemetry-").FullName;
        var config = WritePortfolio(directory, world.BaseUrl);
        WebApplication? app = null;
        try
        {
            // An invalid Telemetry section already fails here (MapOpsMetrics reads its options), others at start.
            app = SiloApp.Build(
                ["--silo-config", config, "--Storage:DataDirectory", Path.Combine(directory, "data"), "--Urls", "http://127.0.0.1:0",
                 "--Logging:LogLevel:Default", "Warning", "--Silo:PartitionCount", "8", .. extraArgs]);
            await app.StartAsync();
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("X-Ops-Actor", "telemetry-test");
        return new TelemetrySilo(app, client, directory);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return await Client.PostAsync(path, content);
    }

    /// <summary>A generic signal for <c>orders</c> that matches the drain runbook.</summary>
    public async Task SendBacklogSignalAsync(string fingerprint = "backlog")
    {
        using var response = await PostAsync("/api/v1/signals", $$"""{"product":"orders","name":"OrdersQueueBacklog","fingerprint":"{{fingerprint}}","severity":"error","summary":"orders queue 5k deep"}""");
        Assert.True(response.IsSuccessStatusCode, $"/api/v1/signals answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonArray> IncidentsAsync() => (await Client.GetFromJsonAsync<JsonArray>("/api/v1/incidents"))!;

    public async Task<string> MetricsAsync()
    {
        using var response = await Client.GetAsync("/metrics");
        Assert.True(response.IsSuccessStatusCode, $"/metrics answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string WritePortfolio(string directory, string world)
    {
        var config = Path.Combine(directory, "silo-config");
        System.IO.Directory.CreateDirectory(Path.Combine(config, "catalog"));
        System.IO.Directory.CreateDirectory(Path.Combine(config, "runbooks"));
        File.Copy(Path.Combine(RepositoryRoot(), "silo-config", "appsettings.json"), Path.Combine(config, "appsettings.json"));
        File.WriteAllText(Path.Combine(config, "catalog", "people.yaml"), $$"""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: shop-team }
            spec:
              capacity: 4
              channels:
                - { kind: webhook, name: shop-pages, url: "{{world}}{{PagePath}}" }
            ---
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata: { name: architects }
            spec:
              default: true
              members: [Ada]
              channels:
                - { kind: webhook, url: "{{world}}/notify/architects" }
            """);
        File.WriteAllText(Path.Combine(config, "catalog", "products.yaml"), """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: orders }
            spec: { owner: shop-team, tier: 2, value: 300000 }
            """);
        File.WriteAllText(Path.Combine(config, "runbooks", "runbooks.yaml"), $$"""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: orders-drain }
            spec:
              product: orders
              match: { labels: { alertname: OrdersQueueBacklog } }
              remediation:
                - name: drain
                  http: { url: "{{world}}{{DrainPath}}", method: POST }
                  timeout: 1s
              guardrails: { maxRunsPerHour: 10, cooldown: 0s }
            """);
        return config;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ops.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Ops.Orleans.sln not found above the test binaries.");
    }
}
