using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;
using static Ops.Gateway.Tests.Infrastructure.Parsing;

namespace Ops.Gateway.Tests;

public sealed class AlertmanagerApiParserTests
{
    [Fact]
    public void Normalises_what_real_Prometheus_posts()
    {
        var body = Fixture(RealSenderRequest.PrometheusAlerts);

        var result = AlertmanagerApiParser.Parse(body, Context());

        Assert.True(result.IsValid);
        var signal = Assert.Single(result.Value!);
        Assert.Equal(SignalStatus.Firing, signal.Status);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T07:59:38.255Z"), signal.StartsAt);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T08:04:40.255Z"), signal.EndsAt);
        Assert.Equal(SeverityHint.Critical, signal.Severity);
        Assert.Equal("Checkout error rate is 7%", signal.Summary);
        Assert.Equal(LabelSetFingerprint.Compute(signal.Labels), signal.Fingerprint);
        Assert.Equal("checkout", signal.Labels["product"]);
        Assert.Equal(SignalSources.AlertmanagerApi, signal.Source);
        Assert.Equal(["generator", "runbook"], signal.Links.Select(l => l.Text));
        Assert.Equal(body[0].GetRawText(), signal.RawPayload);
    }

    [Fact]
    public void Without_endsAt_the_alert_lapses_after_the_resolve_timeout()
    {
        var body = Json("""[{"labels":{"alertname":"X"},"startsAt":"2026-11-22T07:00:00Z"}]""");

        var signal = Assert.Single(AlertmanagerApiParser.Parse(body, Context()).Value!);

        Assert.Equal(TestClock.Start + ResolveTimeout, signal.EndsAt);
        Assert.Equal(SignalStatus.Firing, signal.Status);
    }

    [Fact]
    public void An_endsAt_in_the_past_means_resolved()
    {
        var body = Json("""[{"labels":{"alertname":"X"},"startsAt":"2026-11-22T07:00:00Z","endsAt":"2026-11-22T07:59:59Z"}]""");

        Assert.Equal(SignalStatus.Resolved, Assert.Single(AlertmanagerApiParser.Parse(body, Context()).Value!).Status);
    }

    [Fact]
    public void Without_startsAt_the_alert_starts_when_received()
    {
        var body = Json("""[{"labels":{"alertname":"X"}}]""");

        Assert.Equal(TestClock.Start, Assert.Single(AlertmanagerApiParser.Parse(body, Context()).Value!).StartsAt);
    }

    [Fact]
    public void Gives_the_same_fingerprint_as_the_webhook_for_the_same_labels()
    {
        var api = Json("""[{"labels":{"product":"search","alertname":"SearchLatencyHigh","severity":"warning"}}]""");

        Assert.Equal("231fdd1a303614ca", Assert.Single(AlertmanagerApiParser.Parse(api, Context()).Value!).Fingerprint);
    }

    [Fact]
    public void Drops_labels_with_empty_values_as_Alertmanager_does()
    {
        var body = Json("""[{"labels":{"alertname":"SearchLatencyHigh","product":"search","severity":"warning","instance":""}}]""");

        var signal = Assert.Single(AlertmanagerApiParser.Parse(body, Context()).Value!);

        Assert.False(signal.Labels.ContainsKey("instance"));
        Assert.Equal("231fdd1a303614ca", signal.Fingerprint);
    }

    [Fact]
    public void Does_not_require_an_alertname()
    {
        var body = Json("""[{"labels":{"job":"node"}}]""");

        Assert.True(AlertmanagerApiParser.Parse(body, Context()).IsValid);
    }

    [Theory]
    [InlineData("""{"labels":{"a":"b"}}""", "$")]
    [InlineData("""[{"annotations":{}}]""", "[0].labels")]
    [InlineData("""[{"labels":{"a":"b"}},{"labels":{}}]""", "[1].labels")]
    [InlineData("""[{"labels":{"a":""}}]""", "[0].labels")]
    [InlineData("""[{"labels":{"a":"b"}}, 7]""", "[1]")]
    [InlineData("""[{"labels":{"a":"b"},"endsAt":5}]""", "[0].endsAt")]
    [InlineData("""[{"labels":{"a":"b"},"startsAt":"2026-11-22T07:00:00Z","endsAt":"2026-11-22T06:00:00Z"}]""", "[0].endsAt")]
    [InlineData("""[{"labels":{"a":"b"},"generatorURL":{}}]""", "[0].generatorURL")]
    public void Names_the_field_that_is_wrong(string json, string field)
    {
        var result = AlertmanagerApiParser.Parse(Json(json), Context());

        Assert.Null(result.Value);
        Assert.Contains(field, result.Errors.Keys);
    }
}
