using Ops.Telemetry.Exposition;

namespace Ops.Telemetry.Tests.Exposition;

public sealed class PrometheusNamesTests
{
    [Theory]
    [InlineData("ops.grain.calls", "{call}", "Counter", "ops_grain_calls_total")]
    [InlineData("ops.grain.turn.duration", "s", "Histogram", "ops_grain_turn_duration_seconds")]
    [InlineData("ops.inbox.lag", "{record}", "Gauge", "ops_inbox_lag")]
    [InlineData("request.size", "By", "Histogram", "request_size_bytes")]
    [InlineData("throughput", "By/s", "Gauge", "throughput_bytes_per_second")]
    [InlineData("cpu.utilization", "1", "Gauge", "cpu_utilization_ratio")]
    [InlineData("errors", "1", "Counter", "errors_total")]
    [InlineData("wait_seconds", "s", "Histogram", "wait_seconds")]
    [InlineData("busy.time", "s", "Counter", "busy_time_seconds_total")]
    [InlineData("requests_total", null, "Counter", "requests_total")]
    [InlineData("queue_total", null, "Gauge", "queue")]
    [InlineData("2xx.responses", null, "Counter", "_2xx_responses_total")]
    [InlineData("a..b--c", null, "Gauge", "a_b_c")]
    [InlineData("http.server:active-requests", "{request}", "Gauge", "http_server_active_requests")]
    [InlineData("latency", "ms", "Histogram", "latency_milliseconds")]
    public void Instrument_names_and_units_become_valid_Prometheus_names(string instrument, string? unit, string kind, string expected) =>
        Assert.Equal(expected, PrometheusNames.MetricName(instrument, unit, Enum.Parse<MetricKind>(kind)));

    [Theory]
    [InlineData("grain.type", "grain_type")]
    [InlineData("http.response.status_code", "http_response_status_code")]
    [InlineData("1st", "_1st")]
    [InlineData("__reserved", "key_reserved")]
    [InlineData("ünïcode", "_n_code")]
    public void Tag_names_become_valid_label_names(string tag, string expected) =>
        Assert.Equal(expected, PrometheusNames.LabelName(tag));
}
