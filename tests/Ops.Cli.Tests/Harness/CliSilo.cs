using System.Text.Json.Nodes;
using Ops.Silo.Testing;

namespace Ops.Cli.Tests.Harness;

/// <summary>
/// A real silo (<see cref="OpsSilo"/>) over <see cref="CliPortfolio"/>, its channels on a <see cref="LoopbackWorld"/>;
/// shared by the tests of the <see cref="SiloCollection"/>.
/// </summary>
public sealed class CliSilo : IAsyncLifetime
{
    private LoopbackWorld? _receiver;
    private OpsSilo? _silo;

    /// <summary>The silo's temp directory (a test may write files there).</summary>
    public string Directory => Silo.Directory;

    public string BaseUrl => Silo.BaseUrl;

    public LoopbackWorld Receiver => _receiver ?? throw new InvalidOperationException("not started");

    private OpsSilo Silo => _silo ?? throw new InvalidOperationException("not started");

    /// <summary>opsctl pointed at this silo.</summary>
    public Opsctl Opsctl(string actor = "cli-test") => new(BaseUrl, actor);

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackWorld.StartAsync();
        _silo = await OpsSilo.StartAsync(CliPortfolio.For(_receiver.BaseUrl), new SiloOptions
        {
            Actor = "cli-test-harness",
            Args = ["--Reminders:PollInterval", "00:00:00.200"],
        });
    }

    /// <summary>POST /api/v1/signals, as a monitoring source would; 202 required.</summary>
    public Task SignalAsync(string json) => Silo.SendJsonAsync("/api/v1/signals", json);

    public Task<JsonNode> GetJsonAsync(string path) => Silo.GetJsonAsync(path);

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
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one silo (run one after another: the machine is small and the silo is shared).</summary>
[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<CliSilo>
{
    public const string Name = "silo";
}
