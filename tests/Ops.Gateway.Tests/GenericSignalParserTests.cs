using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;
using static Ops.Gateway.Tests.Infrastructure.Parsing;

namespace Ops.Gateway.Tests;

public sealed class GenericSignalParserTests
{
    [Fact]
    public void Reads_one_signal_object()
    {
        var body = Json("""{"product":"search","name":"SearchDown","severity":"critical","summary":"search is down","labels":{"region":"eu","shard":3},"annotations":{"runbook":"r"}}""");

        var signal = Assert.Single(GenericSignalParser.Parse(body, Context()).Value!);

        Assert.Equal(new Dictionary<string, string> { ["alertname"] = "SearchDown", ["product"] = "search", ["region"] = "eu", ["shard"] = "3" }, signal.Labels);
        Assert.Equal(SeverityHint.Critical, signal.Severity);
        Assert.Equal(SignalStatus.Firing, signal.Status);
        Assert.Equal(SignalLayer.Product, signal.Layer);
        Assert.Equal("search is down", signal.Summary);
        Assert.Equal(LabelSetFingerprint.Compute(signal.Labels), signal.Fingerprint);
        Assert.Equal(SignalSources.Generic, signal.Source);
        Assert.Equal(TestClock.Start, signal.StartsAt);
    }

    [Fact]
    public void Reads_an_array_of_signals()
    {
        var body = Json("""[{"name":"A"},{"name":"B","status":"resolved","fingerprint":"mine"}]""");

        var signals = GenericSignalParser.Parse(body, Context()).Value!;

        Assert.Equal(["A", "B"], signals.Select(s => s.Labels["alertname"]));
        Assert.Equal("mine", signals[1].Fingerprint);
        Assert.Equal(SignalStatus.Resolved, signals[1].Status);
        Assert.Equal(TestClock.Start, signals[1].EndsAt);
    }

    [Theory]
    [InlineData(0.011, SignalStatus.Firing)]
    [InlineData(0.025, SignalStatus.Resolved)]
    [InlineData(0.02, SignalStatus.Resolved)]
    [InlineData(0.051, SignalStatus.Firing)]
    public void An_outcome_value_outside_its_expected_range_fires(double value, SignalStatus expected)
    {
        var body = Json($$"""{"product":"checkout","layer":"outcome","name":"Conversion","value":{{value}},"expectedMin":0.02,"expectedMax":0.05}""");

        var signal = Assert.Single(GenericSignalParser.Parse(body, Context()).Value!);

        Assert.Equal(expected, signal.Status);
        Assert.Equal(SignalLayer.Outcome, signal.Layer);
        Assert.Equal(value, signal.Value);
        Assert.Equal(0.02, signal.ExpectedMin);
        Assert.Equal(0.05, signal.ExpectedMax);
    }

    [Fact]
    public void Reads_the_expected_range_as_an_object_too()
    {
        var body = Json("""{"name":"Conversion","layer":"outcome","value":1,"expected":{"min":2}}""");

        var signal = Assert.Single(GenericSignalParser.Parse(body, Context()).Value!);

        Assert.Equal(2, signal.ExpectedMin);
        Assert.Null(signal.ExpectedMax);
        Assert.Equal(SignalStatus.Firing, signal.Status);
    }

    [Fact]
    public void An_explicit_status_wins_over_the_range()
    {
        var body = Json("""{"name":"Conversion","value":1,"expectedMin":2,"status":"resolved"}""");

        Assert.Equal(SignalStatus.Resolved, Assert.Single(GenericSignalParser.Parse(body, Context()).Value!).Status);
    }

    [Fact]
    public void Reads_time_as_Unix_seconds()
    {
        var body = Json("""{"name":"A","time":1795334400}""");

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795334400), Assert.Single(GenericSignalParser.Parse(body, Context()).Value!).StartsAt);
    }

    [Fact]
    public void Uses_the_configured_product_label()
    {
        var context = Context() with { ProductLabel = "service" };

        var signal = Assert.Single(GenericSignalParser.Parse(Json("""{"name":"A","product":"search"}"""), context).Value!);

        Assert.Equal("search", signal.Labels["service"]);
    }

    [Theory]
    [InlineData("""{"product":"search"}""", "name")]
    [InlineData("""[{"name":"A"},{"name":""}]""", "[1].name")]
    [InlineData("""[{"name":"A"},"B"]""", "[1]")]
    [InlineData("""{"name":"A","layer":"business"}""", "layer")]
    [InlineData("""{"name":"A","status":"open"}""", "status")]
    [InlineData("""{"name":"A","severity":"page"}""", "severity")]
    [InlineData("""{"name":"A","value":"high"}""", "value")]
    [InlineData("""{"name":"A","expectedMin":5,"expectedMax":1}""", "expectedMin")]
    [InlineData("""{"name":"A","expected":{"min":5,"max":1}}""", "expected.min")]
    [InlineData("""{"name":"A","expectedMin":1,"expected":{"max":2}}""", "expected")]
    [InlineData("""{"name":"A","labels":{"x":{}}}""", "labels.x")]
    [InlineData("""{"name":"A","product":"search","labels":{"product":"checkout"}}""", "product")]
    [InlineData("""{"name":"A","labels":{"alertname":"B"}}""", "name")]
    [InlineData("""{"name":"A","time":"noon"}""", "time")]
    [InlineData("7", "$")]
    public void Names_the_field_that_is_wrong(string json, string field)
    {
        var result = GenericSignalParser.Parse(Json(json), Context());

        Assert.Null(result.Value);
        Assert.Contains(field, result.Errors.Keys);
    }
}
