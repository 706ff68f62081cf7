using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ops.Silo.Hosting;

namespace Ops.EndToEnd.Tests.Harness;

/// <summary>
/// A real silo host (Kestrel on a free loopback port, SQLite in a temp directory) over a <see cref="TestPortfolio"/>
/// silo-config, built exactly the way <c>Program</c> builds it; optionally on a manual grain clock.
/// </summary>
public sealed class OpsSilo : IAsyncDisposable
{
    private OpsSilo(WebApplication app, HttpClient client, string directory)
    {
        App = app;
        Client = client;
        Directory = directory;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public string Directory { get; }

    public static async Task<OpsSilo> StartAsync(LoopbackWorld world, TimeProvider? clock = null, params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ops-e2e-").FullName;
        var config = TestPortfolio.Write(directory, world.BaseUrl);
        var app = SiloApp.Build(
            ["--silo-config", config, "--Storage:DataDirectory", Path.Combine(directory, "data"), "--Urls", "http://127.0.0.1:0",
             "--Logging:LogLevel:Default", "Warning", "--Reminders:PollInterval", "00:00:00.200", .. extraArgs],
            builder =>
            {
                if (clock is not null)
                {
                    builder.Services.AddSingleton(clock);
                }
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("X-Ops-Actor", "e2e-test");
        return new OpsSilo(app, client, directory);
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Client.PostAsync(path, content);
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await Client.GetFromJsonAsync<JsonNode>(path))!;

    public async Task<JsonArray> IncidentsAsync(string? query = null) => (JsonArray)await GetJsonAsync("/api/v1/incidents" + (query is null ? "" : "?" + query));

    public async Task<JsonNode> AgentAsync(string product) => await GetJsonAsync($"/api/v1/products/{product}/agent");

    public async Task<JsonNode> PostActionAsync(string path, object? body = null)
    {
        using var response = await Client.PostAsJsonAsync(path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
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

    /// <summary>One Prometheus-shaped alert for <c>/api/v2/alerts</c>, firing until <paramref name="endsAt"/>.</summary>
    public static object Alert(string product, string alertname, string severity = "warning", string? instance = null, DateTimeOffset? endsAt = null, string? summary = null)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = alertname, ["product"] = product, ["severity"] = severity };
        if (instance is not null)
        {
            labels["instance"] = instance;
        }

        return new
        {
            labels,
            annotations = new Dictionary<string, string> { ["summary"] = summary ?? $"{alertname} on {product}" },
            startsAt = DateTimeOffset.UtcNow.AddSeconds(-30),
            endsAt = endsAt ?? DateTimeOffset.UtcNow.AddMinutes(4),
            generatorURL = "http://prometheus.example/graph",
        };
    }

    public async Task SendAlertsAsync(params object[] alerts)
    {
        using var response = await PostJsonAsync("/api/v2/alerts", JsonSerializer.Serialize(alerts));
        Assert.True(response.IsSuccessStatusCode, $"/api/v2/alerts answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
