using Ops.Telemetry.Exposition;

namespace Ops.Telemetry.Tests.Exposition;

public sealed class PrometheusTextWriterTests
{
    private static MetricSeries Series(double value, params (string Key, string Value)[] labels) =>
        new([.. labels.Select(l => new KeyValuePair<string, string>(l.Key, l.Value))], value);

    [Fact]
    public void A_counter_has_help_and_type_lines_and_the_total_suffix()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("ops.ingest.accepted", "{record}", "Records accepted.", MetricKind.Counter, [Series(3, ("format", "generic"))])]);

        Assert.Equal(
            "# HELP ops_ingest_accepted_total Records accepted.\n" +
            "# TYPE ops_ingest_accepted_total counter\n" +
            "ops_ingest_accepted_total{format=\"generic\"} 3\n",
            text);
    }

    [Fact]
    public void A_gauge_without_labels_has_no_braces()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("ops.activations", "{activation}", "Activations.", MetricKind.Gauge, [Series(12)])]);

        Assert.Contains("# TYPE ops_activations gauge\nops_activations 12\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_with_an_Inf_bucket_equal_to_the_count()
    {
        var histogram = new HistogramValue([0.1, 0.5, 1], [2, 0, 3, 1], 4.2);
        var text = PrometheusTextWriter.Write([new MetricFamily("ops.grain.turn.duration", "s", "Turns.", MetricKind.Histogram, [new MetricSeries([new("grain.type", "product")], 0, histogram)])]);

        Assert.Equal(
            "# HELP ops_grain_turn_duration_seconds Turns.\n" +
            "# TYPE ops_grain_turn_duration_seconds histogram\n" +
            "ops_grain_turn_duration_seconds_bucket{grain_type=\"product\",le=\"0.1\"} 2\n" +
            "ops_grain_turn_duration_seconds_bucket{grain_type=\"product\",le=\"0.5\"} 2\n" +
            "ops_grain_turn_duration_seconds_bucket{grain_type=\"product\",le=\"1\"} 5\n" +
            "ops_grain_turn_duration_seconds_bucket{grain_type=\"product\",le=\"+Inf\"} 6\n" +
            "ops_grain_turn_duration_seconds_sum{grain_type=\"product\"} 4.2\n" +
            "ops_grain_turn_duration_seconds_count{grain_type=\"product\"} 6\n",
            text);
    }

    [Fact]
    public void Label_values_escape_backslash_double_quote_and_newline()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("x", null, "X.", MetricKind.Gauge, [Series(1, ("path", "C:\\dir \"quoted\"\nnext"))])]);

        Assert.Contains("x{path=\"C:\\\\dir \\\"quoted\\\"\\nnext\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_text_escapes_backslash_and_newline_but_not_quotes()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("x", null, "a \\ b\n\"c\"", MetricKind.Gauge, [Series(1)])]);

        Assert.StartsWith("# HELP x a \\\\ b\\n\"c\"\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_instrument_without_a_description_still_gets_help_text()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("ops.x", "s", null, MetricKind.Gauge, [Series(1)])]);

        Assert.StartsWith("# HELP ops_x_seconds ops.x (s)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_names_are_sanitized_and_a_histograms_own_le_tag_is_renamed()
    {
        var histogram = new HistogramValue([1], [1, 0], 1);
        var text = PrometheusTextWriter.Write([new MetricFamily("h", null, "H.", MetricKind.Histogram, [new MetricSeries([new("le", "mine"), new("http.route", "/a")], 0, histogram)])]);

        Assert.Contains("h_bucket{key_le=\"mine\",http_route=\"/a\",le=\"1\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_that_sanitize_to_the_same_label_are_joined()
    {
        var text = PrometheusTextWriter.Write([new MetricFamily("x", null, "X.", MetricKind.Gauge, [Series(1, ("a.b", "1"), ("a_b", "2"))])]);

        Assert.Contains("x{a_b=\"1;2\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Special_values_are_written_as_Prometheus_spells_them()
    {
        Assert.Equal("+Inf", PrometheusTextWriter.FormatValue(double.PositiveInfinity));
        Assert.Equal("-Inf", PrometheusTextWriter.FormatValue(double.NegativeInfinity));
        Assert.Equal("NaN", PrometheusTextWriter.FormatValue(double.NaN));
        Assert.Equal("0.25", PrometheusTextWriter.FormatValue(0.25));
        Assert.Equal("1234567", PrometheusTextWriter.FormatValue(1234567));
    }

    [Fact]
    public void Families_appear_once_in_name_order_and_empty_ones_are_left_out()
    {
        var text = PrometheusTextWriter.Write(
        [
            new MetricFamily("b", null, "B.", MetricKind.Gauge, [Series(1)]),
            new MetricFamily("a", null, "A.", MetricKind.Counter, [Series(1, ("k", "1"))]),
            new MetricFamily("a", null, "A again.", MetricKind.Counter, [Series(2, ("k", "2"))]),
            new MetricFamily("c", null, "C.", MetricKind.Gauge, []),
        ]);

        Assert.Equal(
            "# HELP a_total A.\n# TYPE a_total counter\na_total{k=\"1\"} 1\na_total{k=\"2\"} 2\n" +
            "# HELP b B.\n# TYPE b gauge\nb 1\n",
            text);
    }
}
