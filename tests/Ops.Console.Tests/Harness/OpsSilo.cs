using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ops.Silo.Hosting;

namespace Ops.Console.Tests.Harness;

/// <summary>
/// A real silo host (Kestrel on a free loopback port, SQLite in a temp directory) over a <see cref="TestPortfolio"/>
/// silo-config, built exactly the way <c>Program</c> builds it. Its HTTP client acts as <see cref="Actor"/>.
/// </summary>
public sealed class OpsSilo : IAsyncDisposable
{
    public const string Actor = "api-test";

    private OpsSilo(WebApplication app, HttpClient client, string directory)
    {
        App = app;
        Client = client;
        Directory = directory;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public string Directory { get; }

    /// <summary>The silo's origin, <c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl => Client.BaseAddress!.ToString().TrimEnd('/');

    public static async Task<OpsSilo> StartAsync(LoopbackWorld world, params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ops-console-").FullName;
        var config = TestPortfolio.Write(directory, world.BaseUrl);
        var app = SiloApp.Build(
            ["--silo-config", config, "--Storage:DataDirectory", Path.Combine(directory, "data"), "--Urls", "http://127.0.0.1:0",
             "--Logging:LogLevel:Default", "Warning", "--Reminders:PollInterval", "00:00:00.200", .. extraArgs]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("X-Ops-Actor", Actor);
        return new OpsSilo(app, client, directory);
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await Client.GetFromJsonAsync<JsonNode>(path))!;

    public async Task<JsonArray> IncidentsAsync(string? query = null) => (JsonArray)await GetJsonAsync("/api/v1/incidents" + (query is null ? "" : "?" + query));

    public async Task<JsonNode> IncidentAsync(string id) => await GetJsonAsync($"/api/v1/incidents/{id}");

    /// <summary>POSTs JSON to an ingest endpoint and asserts it was accepted.</summary>
    public async Task SendAsync(string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A generic signal (<c>/api/v1/signals</c>).</summary>
    public Task SignalAsync(object signal) => SendAsync("/api/v1/signals", signal);

    /// <summary>Prometheus-shaped alerts (<c>/api/v2/alerts</c>).</summary>
    public Task SendAlertsAsync(params object[] alerts) => SendAsync("/api/v2/alerts", alerts);

    /// <summary>A human action through the API, as <see cref="Actor"/>; asserts success.</summary>
    public async Task<JsonNode> PostActionAsync(string path, object? body = null)
    {
        using var response = await Client.PostAsJsonAsync(path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Waits for the one incident the loop opens for <paramref name="product"/> and returns its id.</summary>
    public async Task<string> IncidentIdAsync(string product, string state = "open") =>
        (await Eventually.HoldsAsync(() => IncidentsAsync($"state={state}&product={product}"), list => list.Count > 0, $"an {state} incident for {product}"))[0]!["incidentId"]!.GetValue<string>();

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
}
