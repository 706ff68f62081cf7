using System.Net;
using System.Text;
using Ops.Contracts;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;

namespace Ops.Gateway.Tests;

public sealed class AlertmanagerWebhookEndpointTests : IAsyncLifetime
{
    private const string Path = "/api/v1/ingest/alertmanager";
    private IngestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Real_Alertmanagers_firing_webhook_is_stored_for_its_product_then_answered_202()
    {
        using var response = await _host.PostFixtureAsync(RealSenderRequest.AlertmanagerFiring, Path);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(Assert.Single(_host.Inbox.Calls));
        Assert.Equal(GrainIds.Of<IProductGrain>("search"), record.Recipient);
        Assert.Equal(InboxKinds.Signal, record.Kind);
        var signal = OpsJson.Deserialize<Signal>(record.Payload.Span);
        Assert.Equal("search", signal.Product);
        Assert.Equal("231fdd1a303614ca", signal.Fingerprint);
        Assert.Equal(SignalStatus.Firing, signal.Status);
        Assert.Null(signal.EndsAt);
        Assert.Equal("127.0.0.1 Alertmanager/0.25.0", signal.SourceIdentity);
        var body = await IngestHost.ReadJsonAsync(response);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("unrouted").GetInt32());
        Assert.Equal(signal.Id, body.GetProperty("signals")[0].GetString());
    }

    [Fact]
    public async Task Real_Alertmanagers_resolved_webhook_resolves_the_same_fingerprint()
    {
        using var response = await _host.PostFixtureAsync(RealSenderRequest.AlertmanagerResolved, Path);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var signal = Assert.Single(_host.Inbox.Signals);
        Assert.Equal(SignalStatus.Resolved, signal.Status);
        Assert.Equal("231fdd1a303614ca", signal.Fingerprint);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T08:04:40.255Z"), signal.EndsAt);
    }

    [Fact]
    public async Task Grafanas_webhook_is_accepted()
    {
        using var response = await _host.PostJsonAsync(Path, AlertmanagerWebhookParserTests.GrafanaPayload);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var signal = Assert.Single(_host.Inbox.Signals);
        Assert.Equal("checkout", signal.Product);
        Assert.Contains(signal.Links, l => l.Text == "dashboard");
    }

    [Fact]
    public async Task An_alert_for_a_product_the_catalog_does_not_know_is_kept_as_unrouted()
    {
        using var response = await _host.PostJsonAsync(Path, """{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"X","product":"billing"}}]}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(_host.Inbox.Records);
        Assert.Equal(GrainIds.Of<IUnroutedSignalsGrain>(SignalIntake.UnroutedKey), record.Recipient);
        Assert.Equal(InboxKinds.Signal, record.Kind);
        Assert.Null(OpsJson.Deserialize<Signal>(record.Payload.Span).Product);
        Assert.Equal(1, (await IngestHost.ReadJsonAsync(response)).GetProperty("unrouted").GetInt32());
    }

    [Fact]
    public async Task A_batch_of_100_alerts_is_stored_in_one_append()
    {
        var alerts = Enumerable.Range(0, 100).Select(i => $$$"""{"status":"firing","labels":{"alertname":"A{{{i}}}","product":"{{{(i % 3 == 0 ? "checkout" : i % 3 == 1 ? "search" : "nowhere")}}}"}}""");
        var json = $$"""{"version":"4","alerts":[{{string.Join(",", alerts)}}]}""";

        using var response = await _host.PostJsonAsync(Path, json);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var call = Assert.Single(_host.Inbox.Calls);
        Assert.Equal(100, call.Count);
        Assert.Equal(100, _host.Inbox.Signals.Select(s => s.Fingerprint).Distinct().Count());
        Assert.Equal(33, call.Count(r => r.Recipient == GrainIds.Of<IUnroutedSignalsGrain>(SignalIntake.UnroutedKey)));
    }

    [Fact]
    public async Task One_bad_alert_in_a_batch_stores_nothing_and_names_it()
    {
        using var response = await _host.PostJsonAsync(Path, """{"alerts":[{"labels":{"alertname":"A"}},{"labels":{"alertname":"B"}},{"annotations":{}}]}""");

        await ProblemAssert.NamesFieldAsync(response, "alerts[2].labels");
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task Malformed_JSON_is_answered_400_naming_the_line()
    {
        using var response = await _host.PostJsonAsync(Path, "{\n  \"alerts\": [\n    {\"labels\" {}}\n  ]\n}");

        var messages = await ProblemAssert.NamesFieldAsync(response, "$");
        Assert.Contains("line 3", messages[0], StringComparison.Ordinal);
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_answered_415()
    {
        using var content = new StringContent("alertname=X", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await _host.Client.PostAsync(Path, content);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(_host.Inbox.Calls);
    }
}
