using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ops.Silo.Hosting;

namespace Ops.Cli.Tests.Harness;

/// <summary>
/// A real silo (Kestrel on a free loopback port, SQLite in a temp directory) over <see cref="CliPortfolio"/>, built
/// the way <c>Program</c> builds it; shared by the tests of the <see cref="SiloCollection"/>.
/// </summary>
public sealed class CliSilo : IAsyncLifetime
{
    private WebApplication? _app;
    private ChannelReceiver? _receiver;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("opsctl-silo-").FullName;

    public string BaseUrl { get; private set; } = "";

    public HttpClient Client { get; private set; } = new();

    public ChannelReceiver Receiver => _receiver ?? throw new InvalidOperationException("not started");

    /// <summary>opsctl pointed at this silo.</summary>
    public Opsctl Opsctl(string actor = "cli-test") => new(BaseUrl, actor);

    public async Task InitializeAsync()
    {
        _receiver = await ChannelReceiver.StartAsync();
        var config = CliPortfolio.Write(Directory, _receiver.BaseUrl);
        _app = SiloApp.Build(
            ["--silo-config", config, "--Storage:DataDirectory", Path.Combine(Directory, "data"), "--Urls", "http://127.0.0.1:0",
             "--Logging:LogLevel:Default", "Warning", "--Reminders:PollInterval", "00:00:00.200"]);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Client.DefaultRequestHeaders.Add("X-Ops-Actor", "cli-test-harness");
    }

    /// <summary>POST /api/v1/signals, as a monitoring source would; 202 required.</summary>
    public async Task SignalAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync("/api/v1/signals", content);
        Assert.True(response.IsSuccessStatusCode, $"/api/v1/signals answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await Client.GetFromJsonAsync<JsonNode>(path))!;

    /// <summary>Sends a firing signal and waits until the product has an open incident; returns its id.</summary>
    public async Task<string> OpenIncidentAsync(string product, string name, string severity = "error", string? instance = null)
    {
        var labels = instance is null ? "{}" : $$"""{"instance":"{{instance}}"}""";
        await SignalAsync($$"""{"product":"{{product}}","name":"{{name}}","severity":"{{severity}}","labels":{{labels}}}""");
        var open = await Eventually.HoldsAsync(
            () => GetJsonAsync($"/api/v1/incidents?product={product}&state=open"),
            list => list.AsArray().Count > 0,
            $"an open incident for {product}");
        return (string)open[0]!["incidentId"]!;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

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

/// <summary>The tests that share one silo (run one after another: the machine is small and the silo is shared).</summary>
[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<CliSilo>
{
    public const string Name = "silo";
}
