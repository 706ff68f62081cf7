using System.Net;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;

namespace Ops.Gateway.Tests;

public sealed class AlertmanagerApiEndpointTests : IAsyncLifetime
{
    private const string Path = "/api/v2/alerts";
    private IngestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestHost.StartAsync(("Ingest:ResolveTimeout", "00:10:00"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task What_real_Prometheus_posts_is_stored_then_answered_200_as_Alertmanager_does()
    {
        using var response = await _host.PostFixtureAsync(RealSenderRequest.PrometheusAlerts, Path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(Assert.Single(_host.Inbox.Calls));
        Assert.Equal(GrainIds.Of<IProductGrain>("checkout"), record.Recipient);
        var signal = Assert.Single(_host.Inbox.Signals);
        Assert.Equal(SignalStatus.Firing, signal.Status);
        Assert.Equal(SeverityHint.Critical, signal.Severity);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T08:04:40.255Z"), signal.EndsAt);
        Assert.Equal(LabelSetFingerprint.Compute(signal.Labels), signal.Fingerprint);
        Assert.Equal("127.0.0.1 Prometheus/2.42.0+ds", signal.SourceIdentity);
        Assert.Equal(SignalSources.AlertmanagerApi, signal.Source);
    }

    [Fact]
    public async Task Without_endsAt_the_alert_lapses_after_the_configured_resolve_timeout()
    {
        using var response = await _host.PostJsonAsync(Path, """[{"labels":{"alertname":"X","product":"search"}}]""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signal = Assert.Single(_host.Inbox.Signals);
        Assert.Equal(TestClock.Start + TimeSpan.FromMinutes(10), signal.EndsAt);
        Assert.Equal(SignalStatus.Firing, signal.Status);
    }

    [Fact]
    public async Task An_endsAt_that_has_passed_resolves_the_alert()
    {
        _host.Clock.Now = DateTimeOffset.Parse("2026-11-22T08:05:00Z");

        using var response = await _host.PostFixtureAsync(RealSenderRequest.PrometheusAlerts, Path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SignalStatus.Resolved, Assert.Single(_host.Inbox.Signals).Status);
    }

    [Fact]
    public async Task The_webhook_and_the_API_agree_on_the_fingerprint()
    {
        var labels = """{"alertname":"SearchLatencyHigh","product":"search","severity":"warning"}""";

        using var api = await _host.PostJsonAsync(Path, $$"""[{"labels":{{labels}}}]""");
        using var hook = await _host.PostJsonAsync("/api/v1/ingest/alertmanager", $$"""{"alerts":[{"labels":{{labels}}}]}""");

        Assert.Equal(["231fdd1a303614ca", "231fdd1a303614ca"], _host.Inbox.Signals.Select(s => s.Fingerprint));
    }

    [Fact]
    public async Task An_alert_without_labels_stores_nothing_and_is_named()
    {
        using var response = await _host.PostJsonAsync(Path, """[{"labels":{"alertname":"A"}},{"labels":{}}]""");

        await ProblemAssert.NamesFieldAsync(response, "[1].labels");
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task A_single_object_instead_of_an_array_is_named()
    {
        using var response = await _host.PostJsonAsync(Path, """{"labels":{"alertname":"A"}}""");

        await ProblemAssert.NamesFieldAsync(response, "$");
        Assert.Empty(_host.Inbox.Calls);
    }
}
