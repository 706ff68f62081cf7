using System.Net;
using Ops.Silo.Testing;
using Ops.Telemetry.Tests.Harness;

namespace Ops.Telemetry.Tests;

/// <summary>GET /metrics on a real silo: the format, what the instruments count, and promtool's verdict.</summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private LoopbackWorld _world = null!;
    private OpsSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _world = await LoopbackWorld.StartAsync();
        _silo = await TelemetrySilo.StartAsync(_world, "--Ingest:MaxBodyBytes", "4096");
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_are_served_as_Prometheus_text_format_0_0_4()
    {
        using var response = await _silo.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE ops_activations gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE ops_partitions_owned gauge\nops_partitions_owned 8\n", text, StringComparison.Ordinal);
        Assert.Equal(8, ExpositionText.Sample(text, "ops_leases_acquired_total"));
    }

    [Fact]
    public async Task Health_endpoints_answer_as_before()
    {
        using var live = await _silo.Client.GetAsync("/health/live");
        using var ready = await _silo.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Ingest_counts_accepted_records_by_format_and_routing_and_rejected_requests_by_reason()
    {
        using (await _silo.PostAsync("/api/v1/signals", """[{"product":"orders","name":"A"},{"product":"orders","name":"B"},{"product":"nobody","name":"C"}]""")) { }
        using (await _silo.PostAsync("/api/v1/signals", """{"name":""}""")) { }
        using (await _silo.PostAsync("/api/v1/signals", "not json at all")) { }
        using (await _silo.PostAsync("/api/v1/signals", "{}", contentType: "text/plain")) { }
        using (await _silo.PostAsync("/v2/enqueue", $$"""{"summary":"{{new string('x', 5000)}}"}""")) { }

        var text = await _silo.MetricsAsync();

        Assert.Equal(2, ExpositionText.Sample(text, "ops_ingest_accepted_total", ("format", "generic"), ("routed", "true")));
        Assert.Equal(1, ExpositionText.Sample(text, "ops_ingest_accepted_total", ("format", "generic"), ("routed", "false")));
        Assert.Equal(2, ExpositionText.Sample(text, "ops_ingest_rejected_total", ("format", "generic"), ("reason", "invalid")));
        Assert.Equal(1, ExpositionText.Sample(text, "ops_ingest_rejected_total", ("format", "generic"), ("reason", "unsupported-media")));
        Assert.Equal(1, ExpositionText.Sample(text, "ops_ingest_rejected_total", ("format", "pagerduty-events-v2"), ("reason", "too-large")));
    }

    [Fact]
    public async Task A_failed_remediation_is_counted_with_its_page_its_deliveries_and_the_acknowledgement()
    {
        _world.Fail(TelemetrySilo.DrainPath, 503);
        await _silo.SendBacklogSignalAsync();
        var incidents = await Eventually.HoldsAsync(_silo.IncidentsAsync, list => list.Count == 1, "an incident for the failed drain");
        await Eventually.HoldsAsync(() => _world.Received(TelemetrySilo.PagePath).Count == 1, "the page to reach shop-team");
        var id = incidents[0]!["incidentId"]!.GetValue<string>();
        using (var ack = await _silo.PostAsync($"/api/v1/incidents/{id}/acknowledge", "{}"))
        {
            Assert.True(ack.IsSuccessStatusCode, await ack.Content.ReadAsStringAsync());
        }

        var text = await Eventually.HoldsAsync(
            _silo.MetricsAsync,
            t => ExpositionText.Sample(t, "ops_pages_total", ("reason", "paged")) == 1,
            "the page to be counted");

        Assert.Equal(1, ExpositionText.Sample(text, "ops_remediation_runs_total", ("outcome", "failed")));
        Assert.Equal(1, ExpositionText.Sample(text, "ops_notifications_total", ("channel", "webhook"), ("outcome", "delivered")));
        Assert.Equal(1, ExpositionText.Samples(text).Where(s => s.Name == "ops_page_ack_duration_seconds_count").Sum(s => s.Value));
        Assert.True(ExpositionText.Sample(text, "ops_grain_calls_total", ("grain_type", "incident"), ("grain_method", "IIncidentGrain.Acknowledge")) >= 1, text);
        Assert.True(ExpositionText.Samples(text).Where(s => s.Name == "ops_grain_turn_duration_seconds_count").Sum(s => s.Value) > 0, text);
        Assert.True(ExpositionText.Sample(text, "ops_activations_created_total", ("grain_type", "ops-agent")) >= 1, text);
    }

    [SkippableFact]
    public async Task A_live_metrics_page_passes_promtool_check_metrics()
    {
        var promtool = PrometheusTools.Promtool;
        Assert.NotEmpty(promtool);
        _world.Fail(TelemetrySilo.DrainPath, 503);
        await _silo.SendBacklogSignalAsync();
        using (await _silo.PostAsync("/api/v1/signals", "{}", contentType: "text/plain")) { }
        var incidents = await Eventually.HoldsAsync(_silo.IncidentsAsync, list => list.Count == 1, "an incident for the failed drain");
        using (await _silo.PostAsync($"/api/v1/incidents/{incidents[0]!["incidentId"]!.GetValue<string>()}/acknowledge", "{}")) { }
        var text = await Eventually.HoldsAsync(_silo.MetricsAsync, t => t.Contains("ops_page_ack_duration_seconds_bucket", StringComparison.Ordinal), "every kind of instrument to have a value");

        var (exitCode, output) = await PrometheusTools.CheckMetricsAsync(text);

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}: {output}\n---\n{text}");
        Assert.True(output.Length == 0, $"promtool check metrics found problems: {output}\n---\n{text}");
    }
}
