using Ops.Silo.Testing;
using Ops.Telemetry.Tests.Harness;

namespace Ops.Telemetry.Tests;

/// <summary>A real Prometheus (Debian's 2.42) scraping a real silo's /metrics.</summary>
public sealed class PrometheusScrapeTests : IAsyncLifetime
{
    private LoopbackWorld _world = null!;
    private OpsSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _world = await LoopbackWorld.StartAsync();
        _silo = await TelemetrySilo.StartAsync(_world);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _world.DisposeAsync();
    }

    [SkippableFact]
    public async Task Prometheus_scrapes_the_silo_and_sees_its_counters()
    {
        var executable = PrometheusTools.Prometheus;
        Assert.NotEmpty(executable);
        for (var i = 0; i < 3; i++)
        {
            await _silo.SendBacklogSignalAsync($"scrape-{i}");
        }

        await using var prometheus = await PrometheusServer.StartAsync(executable, $"{_silo.Address.Host}:{_silo.Address.Port}");

        var up = await Eventually.HoldsAsync(() => prometheus.QueryAsync($"up{{job=\"{PrometheusServer.Job}\"}}"), v => v == 1, "Prometheus to scrape the silo successfully", TimeSpan.FromSeconds(60));
        Assert.Equal(1, up);
        var accepted = await Eventually.HoldsAsync(
            () => prometheus.QueryAsync($"ops_ingest_accepted_total{{job=\"{PrometheusServer.Job}\",format=\"generic\",routed=\"true\"}}"),
            v => v == 3,
            "the scraped counter of accepted signals to be 3",
            TimeSpan.FromSeconds(30));
        Assert.Equal(3, accepted);
        Assert.Equal(8, await prometheus.QueryAsync("ops_partitions_owned"));
        Assert.True(await prometheus.QueryAsync("sum(ops_grain_turn_duration_seconds_count)") > 0, await prometheus.TargetsAsync());
    }
}
