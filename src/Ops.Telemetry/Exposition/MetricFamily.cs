namespace Ops.Telemetry.Exposition;

/// <summary>How an instrument is exposed: monotonic sums as counters, everything else that is one number as gauges.</summary>
internal enum MetricKind
{
    /// <summary>A monotonic sum (Counter, ObservableCounter): exposed with the <c>_total</c> suffix.</summary>
    Counter,

    /// <summary>A value that goes up and down (UpDownCounter, Gauge, ObservableGauge, ObservableUpDownCounter).</summary>
    Gauge,

    /// <summary>A distribution (Histogram): cumulative <c>_bucket</c> series, <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,
}

/// <summary>One instrument at the time of a scrape, under its OpenTelemetry name and unit.</summary>
/// <param name="Name">The instrument's name (e.g. <c>ops.grain.turn.duration</c>); the writer derives the Prometheus name.</param>
/// <param name="Unit">The instrument's UCUM unit (e.g. <c>s</c>, <c>{record}</c>), or null.</param>
/// <param name="Description">The instrument's description (the <c>HELP</c> text), or null.</param>
/// <param name="Kind">How it is exposed.</param>
/// <param name="Series">One entry per label set.</param>
internal sealed record MetricFamily(string Name, string? Unit, string? Description, MetricKind Kind, IReadOnlyList<MetricSeries> Series);

/// <summary>One label set of an instrument: its value, or its distribution for a histogram.</summary>
/// <param name="Labels">Label names (as the instrument's tags were named) and values, sorted by name.</param>
/// <param name="Value">The counter's total or the gauge's value (unused for histograms).</param>
/// <param name="Histogram">The distribution, for histograms.</param>
internal sealed record MetricSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramValue? Histogram = null);

/// <summary>A distribution as recorded: per-bucket counts, not cumulative.</summary>
/// <param name="Bounds">The buckets' upper bounds (inclusive), ascending.</param>
/// <param name="Counts">
/// <c>Bounds.Count + 1</c> counts: <c>Counts[i]</c> observations in <c>(Bounds[i-1], Bounds[i]]</c>, the last one
/// above every bound. The writer makes them cumulative.
/// </param>
/// <param name="Sum">The sum of all observations.</param>
internal sealed record HistogramValue(IReadOnlyList<double> Bounds, IReadOnlyList<long> Counts, double Sum);
