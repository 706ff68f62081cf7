using System.Net;
using Ops.Contracts;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;

namespace Ops.Gateway.Tests;

public sealed class PagerDutyEndpointTests : IAsyncLifetime
{
    private const string EventsPath = "/v2/enqueue";
    private const string ChangePath = "/v2/change/enqueue";
    private IngestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_pdjs_trigger_is_stored_for_the_product_of_its_routing_key_and_answered_as_PagerDuty_does()
    {
        using var response = await _host.PostFixtureAsync(RealSenderRequest.PagerDutyTrigger, EventsPath);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await IngestHost.ReadJsonAsync(response);
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.Equal("Event processed", body.GetProperty("message").GetString());
        Assert.Equal("checkout-5xx", body.GetProperty("dedup_key").GetString());
        var record = Assert.Single(_host.Inbox.Records);
        Assert.Equal(GrainIds.Of<IProductGrain>("checkout"), record.Recipient);
        var signal = Assert.Single(_host.Inbox.Signals);
        Assert.Equal(SeverityHint.Critical, signal.Severity);
        Assert.Equal("127.0.0.1 pdjs/2.0.0 (v20.20.2/linux)", signal.SourceIdentity);
    }

    [Fact]
    public async Task Trigger_acknowledge_and_resolve_from_pdjs_address_one_symptom()
    {
        foreach (var fixture in (string[])[RealSenderRequest.PagerDutyTrigger, RealSenderRequest.PagerDutyAcknowledge, RealSenderRequest.PagerDutyResolve])
        {
            using var response = await _host.PostFixtureAsync(fixture, EventsPath);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var signals = _host.Inbox.Signals;
        Assert.Single(signals.Select(s => s.Fingerprint).Distinct());
        Assert.Equal([(SignalStatus.Firing, false), (SignalStatus.Firing, true), (SignalStatus.Resolved, false)], signals.Select(s => (s.Status, s.Acknowledged)));
        Assert.All(signals, s => Assert.Equal("checkout", s.Product));
    }

    [Fact]
    public async Task A_trigger_without_dedup_key_is_answered_with_the_one_it_was_given()
    {
        using var response = await _host.PostJsonAsync(EventsPath, $$$"""{"routing_key":"{{{TestCatalog.CheckoutRoutingKey}}}","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"error"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var dedupKey = (await IngestHost.ReadJsonAsync(response)).GetProperty("dedup_key").GetString();
        Assert.Matches("^[0-9a-f]{32}$", dedupKey);
        Assert.Equal(dedupKey, Assert.Single(_host.Inbox.Signals).DedupKey);
    }

    [Fact]
    public async Task An_acknowledge_without_dedup_key_is_answered_400_naming_it_and_stores_nothing()
    {
        using var response = await _host.PostJsonAsync(EventsPath, """{"routing_key":"R0UT1NGKEY0000000000000000000001","event_action":"acknowledge"}""");

        await ProblemAssert.NamesFieldAsync(response, "dedup_key");
        Assert.Equal(IngestProblems.PagerDutyInvalidMessage, (await IngestHost.ReadJsonAsync(response)).GetProperty("message").GetString());
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task A_trigger_with_an_unknown_severity_is_answered_400_naming_payload_severity()
    {
        using var response = await _host.PostJsonAsync(EventsPath, """{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"sev1"}}""");

        await ProblemAssert.NamesFieldAsync(response, "payload.severity");
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task An_event_for_an_unknown_routing_key_is_kept_as_unrouted()
    {
        using var response = await _host.PostJsonAsync(EventsPath, """{"routing_key":"nobody","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(GrainIds.Of<IUnroutedSignalsGrain>(SignalIntake.UnroutedKey), Assert.Single(_host.Inbox.Records).Recipient);
    }

    [Fact]
    public async Task The_pdjs_change_event_is_stored_as_a_change_for_the_product()
    {
        using var response = await _host.PostFixtureAsync(RealSenderRequest.PagerDutyChange, ChangePath);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await IngestHost.ReadJsonAsync(response);
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.Equal("Change event processed", body.GetProperty("message").GetString());
        Assert.False(body.TryGetProperty("dedup_key", out _));
        var record = Assert.Single(_host.Inbox.Records);
        Assert.Equal(GrainIds.Of<IProductGrain>("checkout"), record.Recipient);
        Assert.Equal(InboxKinds.Change, record.Kind);
        var change = OpsJson.Deserialize<ChangeEvent>(record.Payload.Span);
        Assert.Equal("checkout", change.Product);
        Assert.Equal("2.41.0", change.Details["version"]);
    }

    [Fact]
    public async Task A_change_for_an_unknown_routing_key_goes_to_the_unrouted_grain_as_a_change()
    {
        using var response = await _host.PostJsonAsync(ChangePath, """{"routing_key":"nobody","payload":{"summary":"deployed"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(_host.Inbox.Records);
        Assert.Equal(GrainIds.Of<IUnroutedSignalsGrain>(SignalIntake.UnroutedKey), record.Recipient);
        Assert.Equal(InboxKinds.Change, record.Kind);
    }

    [Fact]
    public async Task A_change_without_summary_is_answered_400_naming_it()
    {
        using var response = await _host.PostJsonAsync(ChangePath, """{"routing_key":"k","payload":{"source":"ci"}}""");

        await ProblemAssert.NamesFieldAsync(response, "payload.summary");
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task Malformed_JSON_is_answered_400_with_PagerDutys_message()
    {
        using var response = await _host.PostJsonAsync(EventsPath, """{"routing_key": "k", """);

        await ProblemAssert.NamesFieldAsync(response, "$");
        Assert.Equal(IngestProblems.PagerDutyInvalidMessage, (await IngestHost.ReadJsonAsync(response)).GetProperty("message").GetString());
    }
}
