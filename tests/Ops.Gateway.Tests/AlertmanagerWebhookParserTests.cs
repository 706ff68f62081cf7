using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;
using static Ops.Gateway.Tests.Infrastructure.Parsing;

namespace Ops.Gateway.Tests;

public sealed class AlertmanagerWebhookParserTests
{
    [Fact]
    public void Normalises_the_firing_alert_of_real_Alertmanager()
    {
        var body = Fixture(RealSenderRequest.AlertmanagerFiring);

        var result = AlertmanagerWebhookParser.Parse(body, Context());

        Assert.True(result.IsValid);
        var signal = Assert.Single(result.Value!);
        Assert.Equal("231fdd1a303614ca", signal.Fingerprint);
        Assert.Equal(SignalStatus.Firing, signal.Status);
        Assert.Null(signal.EndsAt);
        Assert.Equal(SeverityHint.Warning, signal.Severity);
        Assert.Equal(SignalLayer.Product, signal.Layer);
        Assert.Equal("p99 latency 1.8s", signal.Summary);
        Assert.Equal("search", signal.Labels["product"]);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T07:59:38.255Z"), signal.StartsAt);
        Assert.Equal(TestClock.Start, signal.ReceivedAt);
        Assert.Equal(SignalSources.AlertmanagerWebhook, signal.Source);
        Assert.Equal("{}:{alertname=\"SearchLatencyHigh\", product=\"search\"}", signal.DedupKey);
        Assert.Equal(new SignalLink("http://vm:18454/graph?g0.expr=vector%281.8%29+%3E+1&g0.tab=1", "generator"), Assert.Single(signal.Links));
        Assert.Equal(body.GetProperty("alerts")[0].GetRawText(), signal.RawPayload);
        Assert.Equal(32, signal.Id.Length);
    }

    [Fact]
    public void Normalises_the_resolved_alert_of_real_Alertmanager()
    {
        var result = AlertmanagerWebhookParser.Parse(Fixture(RealSenderRequest.AlertmanagerResolved), Context());

        var signal = Assert.Single(result.Value!);
        Assert.Equal(SignalStatus.Resolved, signal.Status);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T08:04:40.255Z"), signal.EndsAt);
        Assert.Equal("231fdd1a303614ca", signal.Fingerprint);
    }

    [Fact]
    public void Accepts_Grafanas_superset_and_keeps_its_links_and_value()
    {
        var body = Json(GrafanaPayload);

        var result = AlertmanagerWebhookParser.Parse(body, Context());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {e.Value[0]}")));
        var signal = Assert.Single(result.Value!);
        Assert.Equal(["generator", "dashboard", "panel", "silence"], signal.Links.Select(l => l.Text));
        Assert.Equal(0.93, signal.Value);
        Assert.Equal(SeverityHint.Critical, signal.Severity);
        Assert.Equal("a1b2c3d4e5f60718", signal.Fingerprint);
    }

    [Fact]
    public void Computes_Alertmanagers_fingerprint_when_the_payload_has_none()
    {
        var body = Json("""{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"SearchLatencyHigh","product":"search","severity":"warning"}}]}""");

        var signal = Assert.Single(AlertmanagerWebhookParser.Parse(body, Context()).Value!);

        Assert.Equal("231fdd1a303614ca", signal.Fingerprint);
        Assert.Equal(TestClock.Start, signal.StartsAt);
    }

    [Fact]
    public void Reads_the_layer_label()
    {
        var body = Json("""{"alerts":[{"labels":{"alertname":"AgentDown","layer":"machinery"}}]}""");

        Assert.Equal(SignalLayer.Machinery, Assert.Single(AlertmanagerWebhookParser.Parse(body, Context()).Value!).Layer);
    }

    [Fact]
    public void Reads_nanosecond_timestamps_as_Alertmanager_writes_them()
    {
        var body = Json("""{"alerts":[{"status":"resolved","labels":{"a":"b"},"startsAt":"2026-11-22T07:59:38.123456789Z","endsAt":"2026-11-22T08:04:40.987654321+01:00"}]}""");

        var signal = Assert.Single(AlertmanagerWebhookParser.Parse(body, Context()).Value!);

        Assert.Equal(new DateTimeOffset(2026, 11, 22, 7, 59, 38, TimeSpan.Zero).AddTicks(1_234_568), signal.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 7, 4, 40, TimeSpan.Zero).AddTicks(9_876_543), signal.EndsAt!.Value.ToUniversalTime());
    }

    [Fact]
    public void Names_the_alert_without_labels_and_accepts_nothing()
    {
        var body = Json("""{"alerts":[{"labels":{"a":"b"}},{"annotations":{"summary":"x"}},{"labels":{}}]}""");

        var result = AlertmanagerWebhookParser.Parse(body, Context());

        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        Assert.Contains("alerts[1].labels", result.Errors.Keys);
        Assert.Contains("alerts[2].labels", result.Errors.Keys);
        Assert.DoesNotContain("alerts[0].labels", result.Errors.Keys);
    }

    [Fact]
    public void A_huge_broken_batch_gets_a_short_answer()
    {
        var body = Json($"{{\"alerts\":[{string.Join(",", Enumerable.Repeat("{}", 1000))}]}}");

        var result = AlertmanagerWebhookParser.Parse(body, Context());

        Assert.Equal(IngestErrors.MaxFields + 1, result.Errors.Count);
        Assert.Contains("950 further problem(s)", Assert.Single(result.Errors["$"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"receiver":"hook"}""", "alerts")]
    [InlineData("""{"alerts":{}}""", "alerts")]
    [InlineData("""{"alerts":[{"labels":{"a":"b"},"status":"burning"}]}""", "alerts[0].status")]
    [InlineData("""{"alerts":[{"labels":{"a":"b"},"startsAt":"yesterday"}]}""", "alerts[0].startsAt")]
    [InlineData("""{"alerts":[{"labels":{"a":7}}]}""", "alerts[0].labels.a")]
    [InlineData("""{"alerts":[{"labels":{"a":"b"},"annotations":[]}]}""", "alerts[0].annotations")]
    [InlineData("""[{"labels":{"a":"b"}}]""", "$")]
    public void Names_the_field_that_is_wrong(string json, string field)
    {
        var result = AlertmanagerWebhookParser.Parse(Json(json), Context());

        Assert.Contains(field, result.Errors.Keys);
    }

    [Theory]
    [InlineData("critical", SeverityHint.Critical)]
    [InlineData("page", SeverityHint.Critical)]
    [InlineData("ERROR", SeverityHint.Error)]
    [InlineData("major", SeverityHint.Error)]
    [InlineData("high", SeverityHint.Error)]
    [InlineData("warning", SeverityHint.Warning)]
    [InlineData("warn", SeverityHint.Warning)]
    [InlineData("minor", SeverityHint.Warning)]
    [InlineData("medium", SeverityHint.Warning)]
    [InlineData("info", SeverityHint.Info)]
    [InlineData("low", SeverityHint.Info)]
    [InlineData("none", SeverityHint.Info)]
    [InlineData("whatever", SeverityHint.Warning)]
    public void Maps_the_severity_label(string label, SeverityHint expected)
    {
        var body = Json($$$"""{"alerts":[{"labels":{"alertname":"X","severity":"{{{label}}}"}}]}""");

        Assert.Equal(expected, Assert.Single(AlertmanagerWebhookParser.Parse(body, Context()).Value!).Severity);
    }

    [Fact]
    public void Without_a_severity_label_the_hint_is_warning()
    {
        var body = Json("""{"alerts":[{"labels":{"alertname":"X"}}]}""");

        Assert.Equal(SeverityHint.Warning, Assert.Single(AlertmanagerWebhookParser.Parse(body, Context()).Value!).Severity);
    }

    /// <summary>What Grafana's webhook contact point sends (unified alerting): Alertmanager's shape plus its own members.</summary>
    internal const string GrafanaPayload = """
        {
          "receiver": "ops", "status": "firing", "orgId": 1,
          "alerts": [{
            "status": "firing",
            "labels": {"alertname": "CheckoutConversionLow", "grafana_folder": "Checkout", "product": "checkout", "severity": "critical"},
            "annotations": {"description": "Conversion below 2%"},
            "startsAt": "2026-11-22T07:59:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://grafana/alerting/grafana/abc/view?orgId=1",
            "fingerprint": "a1b2c3d4e5f60718",
            "silenceURL": "http://grafana/alerting/silence/new?alertmanager=grafana",
            "dashboardURL": "http://grafana/d/checkout", "panelURL": "http://grafana/d/checkout?viewPanel=2",
            "values": {"B": 0.93}, "valueString": "[ var='B' labels={} value=0.93 ]"
          }],
          "groupLabels": {"alertname": "CheckoutConversionLow"}, "commonLabels": {"alertname": "CheckoutConversionLow"},
          "commonAnnotations": {}, "externalURL": "http://grafana/", "version": "1",
          "groupKey": "{}:{alertname=\"CheckoutConversionLow\"}", "truncatedAlerts": 0,
          "title": "[FIRING:1] CheckoutConversionLow", "state": "alerting", "message": "**Firing**"
        }
        """;
}
