using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Ops.Silo.Hosting;

namespace Ops.Silo.Testing;

/// <summary>
/// A real silo host in this process, built by <see cref="SiloApp.Build"/> exactly the way <c>Program</c> builds it:
/// Kestrel on a free loopback port, SQLite in a temp directory, over a <see cref="Portfolio"/> written there as its
/// silo-config; optionally on a manual grain clock. Its <see cref="Client"/> acts as <see cref="SiloOptions.Actor"/>.
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

    /// <summary>The temp directory holding <c>silo-config/</c> and <c>data/</c>; deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The silo's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address => Client.BaseAddress!;

    /// <summary>The silo's origin, <c>http://127.0.0.1:PORT</c> (no trailing slash).</summary>
    public string BaseUrl => Address.ToString().TrimEnd('/');

    /// <summary>Starts a silo over <paramref name="portfolio"/>; a configuration the silo refuses throws here, leaving nothing behind.</summary>
    public static async Task<OpsSilo> StartAsync(Portfolio portfolio, SiloOptions? options = null)
    {
        options ??= new SiloOptions();
        var directory = System.IO.Directory.CreateTempSubdirectory("ops-silo-").FullName;
        WebApplication? app = null;
        try
        {
            var config = portfolio.Write(directory);

            // Options validated while building (the metrics endpoint reads its options) already fail here, others at start.
            app = SiloApp.Build(
                ["--silo-config", config, "--Storage:DataDirectory", Path.Combine(directory, "data"), "--Urls", "http://127.0.0.1:0",
                 "--Logging:LogLevel:Default", "Warning", .. options.Args],
                builder =>
                {
                    if (options.Clock is not null)
                    {
                        builder.Services.AddSingleton(options.Clock);
                    }
                });
            await app.StartAsync();
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            DeleteDirectory(directory);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("X-Ops-Actor", options.Actor);
        return new OpsSilo(app, client, directory);
    }

    /// <summary>POSTs <paramref name="body"/> as it is; the caller reads (and disposes) the response.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        return await Client.PostAsync(path, content);
    }

    /// <summary>POSTs JSON text to an ingest endpoint and requires it accepted.</summary>
    public async Task SendJsonAsync(string path, string json)
    {
        using var response = await PostAsync(path, json);
        await EnsureSuccessAsync(response, path);
    }

    /// <summary>POSTs <paramref name="body"/> serialized as JSON to an ingest endpoint and requires it accepted.</summary>
    public Task SendAsync(string path, object body) => SendJsonAsync(path, JsonSerializer.Serialize(body));

    /// <summary>A generic signal (<c>/api/v1/signals</c>).</summary>
    public Task SignalAsync(object signal) => SendAsync("/api/v1/signals", signal);

    /// <summary>Prometheus-shaped alerts (<c>/api/v2/alerts</c>), e.g. from <see cref="Alert"/>.</summary>
    public Task SendAlertsAsync(params object[] alerts) => SendAsync("/api/v2/alerts", alerts);

    /// <summary>A human action through the API, as <see cref="SiloOptions.Actor"/>; requires success and returns the answer.</summary>
    public async Task<JsonNode> PostActionAsync(string path, object? body = null)
    {
        using var response = await Client.PostAsJsonAsync(path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST {path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }

        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await Client.GetFromJsonAsync<JsonNode>(path))!;

    /// <summary>The incidents <c>GET /api/v1/incidents</c> lists (a method group a probe can take as it is).</summary>
    public Task<JsonArray> IncidentsAsync() => IncidentsAsync(query: null);

    /// <summary>The incidents matching <paramref name="query"/>, e.g. <c>state=open&amp;product=blog</c>.</summary>
    public async Task<JsonArray> IncidentsAsync(string? query) => (JsonArray)await GetJsonAsync("/api/v1/incidents" + (query is null ? "" : "?" + query));

    public async Task<JsonNode> IncidentAsync(string id) => await GetJsonAsync($"/api/v1/incidents/{id}");

    public async Task<JsonNode> AgentAsync(string product) => await GetJsonAsync($"/api/v1/products/{product}/agent");

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
        DeleteDirectory(Directory);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string path)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}", null, response.StatusCode);
        }
    }

    private static void DeleteDirectory(string directory)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
