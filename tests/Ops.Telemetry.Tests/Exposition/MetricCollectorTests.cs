using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Ops.Telemetry.Exposition;

namespace Ops.Telemetry.Tests.Exposition;

public sealed class MetricCollectorTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    private MetricCollector CollectorFor(params string[] meters) => new(MetricCollector.MetersOf(Factory, meters));

    private static MetricFamily Family(MetricCollector collector, string instrument) => collector.Collect().Single(f => f.Name == instrument);

    private static string Labels(MetricSeries series) => string.Join(",", series.Labels.Select(l => $"{l.Key}={l.Value}"));

    [Fact]
    public void A_counter_sums_per_label_set_whatever_the_order_of_its_tags()
    {
        var meter = Factory.Create("Test.Counter");
        using var collector = CollectorFor("Test.Counter");
        var counter = meter.CreateCounter<long>("requests");

        counter.Add(2, new("route", "/a"), new("code", 200));
        counter.Add(3, new("code", 200), new("route", "/a"));
        counter.Add(1, new("route", "/b"), new("code", 500));

        var family = Family(collector, "requests");
        Assert.Equal(MetricKind.Counter, family.Kind);
        Assert.Equal(
            ["code=200,route=/a:5", "code=500,route=/b:1"],
            family.Series.Select(s => $"{Labels(s)}:{s.Value}").Order());
    }

    [Fact]
    public void A_histogram_counts_each_value_in_the_first_bucket_whose_bound_is_at_least_the_value()
    {
        var meter = Factory.Create("Test.Histogram");
        using var collector = CollectorFor("Test.Histogram");
        var histogram = meter.CreateHistogram("latency", "s", "Latency.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });

        foreach (var value in new[] { 0.05, 0.1, 0.5, 1, 20 })
        {
            histogram.Record(value);
        }

        var value0 = Family(collector, "latency").Series.Single().Histogram!;
        Assert.Equal([0.1, 1, 10], value0.Bounds);
        Assert.Equal([2L, 2, 0, 1], value0.Counts);
        Assert.Equal(21.65, value0.Sum, 10);
    }

    [Fact]
    public void A_second_valued_histogram_without_advice_gets_Prometheus_default_buckets()
    {
        var meter = Factory.Create("Test.Default");
        using var collector = CollectorFor("Test.Default");
        meter.CreateHistogram<double>("wait", "s").Record(0.3);

        Assert.Equal([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], Family(collector, "wait").Series.Single().Histogram!.Bounds);
    }

    [Fact]
    public void Observable_series_that_are_no_longer_observed_disappear()
    {
        var meter = Factory.Create("Test.Observable");
        using var collector = CollectorFor("Test.Observable");
        var lag = new Dictionary<string, long> { ["1"] = 5, ["2"] = 7 };
        meter.CreateObservableGauge("lag", () => lag.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("partition", p.Key))));

        Assert.Equal(2, Family(collector, "lag").Series.Count);
        lag.Remove("1");
        lag["2"] = 9;

        var series = Assert.Single(Family(collector, "lag").Series);
        Assert.Equal("partition=2", Labels(series));
        Assert.Equal(9, series.Value);
    }

    [Fact]
    public void Up_down_counters_are_gauges_of_their_running_sum()
    {
        var meter = Factory.Create("Test.UpDown");
        using var collector = CollectorFor("Test.UpDown");
        var inFlight = meter.CreateUpDownCounter<int>("in.flight");
        inFlight.Add(3);
        inFlight.Add(-1);

        var family = Family(collector, "in.flight");
        Assert.Equal(MetricKind.Gauge, family.Kind);
        Assert.Equal(2, family.Series.Single().Value);
    }

    [Fact]
    public void Only_the_meters_of_the_collectors_own_host_are_collected()
    {
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var mine = Factory.Create("Test.Shared").CreateCounter<long>("hits");
        var theirs = other.GetRequiredService<IMeterFactory>().Create("Test.Shared").CreateCounter<long>("hits");
        using var unlisted = new Meter("Test.Shared");
        var global = unlisted.CreateCounter<long>("hits");
        using var collector = CollectorFor("Test.Shared");

        mine.Add(1);
        theirs.Add(10);
        global.Add(100);

        Assert.Equal(1, Family(collector, "hits").Series.Single().Value);
    }

    [Fact]
    public void Label_sets_beyond_the_limit_are_counted_in_one_overflow_series()
    {
        var meter = Factory.Create("Test.Overflow");
        using var collector = new MetricCollector(MetricCollector.MetersOf(Factory, ["Test.Overflow"]), maxSeries: 2);
        var counter = meter.CreateCounter<long>("users");
        foreach (var user in new[] { "a", "b", "c", "d", "a" })
        {
            counter.Add(1, new KeyValuePair<string, object?>("user", user));
        }

        Assert.Equal(
            ["otel_metric_overflow=true:2", "user=a:2", "user=b:1"],
            Family(collector, "users").Series.Select(s => $"{Labels(s)}:{s.Value}").Order());
    }

    [Fact]
    public void Instruments_of_a_disposed_meter_are_no_longer_collected()
    {
        var meter = Factory.Create("Test.Disposed");
        using var collector = CollectorFor("Test.Disposed");
        meter.CreateCounter<long>("gone").Add(1);
        Assert.Contains(collector.Collect(), f => f.Name == "gone");

        _services.Dispose();

        Assert.DoesNotContain(collector.Collect(), f => f.Name == "gone");
    }

    [Fact]
    public void Concurrent_recording_loses_nothing()
    {
        var meter = Factory.Create("Test.Concurrent");
        using var collector = CollectorFor("Test.Concurrent");
        var counter = meter.CreateCounter<double>("work");
        var histogram = meter.CreateHistogram<double>("spread", "s");

        Parallel.For(0, 10_000, i =>
        {
            counter.Add(0.5, new KeyValuePair<string, object?>("worker", (i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            histogram.Record(0.01);
        });

        Assert.Equal(5_000, Family(collector, "work").Series.Sum(s => s.Value));
        Assert.Equal(10_000, Family(collector, "spread").Series.Single().Histogram!.Counts.Sum());
    }
}
