using System.Net;
using Ops.Contracts;
using Ops.Contracts.Grains;
using Ops.Gateway.Tests.Infrastructure;

namespace Ops.Gateway.Tests;

public sealed class HeartbeatEndpointTests : IAsyncLifetime
{
    private IngestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestHost.StartAsync(("Ingest:HeartbeatDefaultInterval", "00:02:00"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_beat_is_stored_for_the_sources_heartbeat_grain_with_its_interval()
    {
        using var response = await _host.Client.PostAsync("/api/v1/heartbeats/nightly-backup?interval=30s&product=search-api", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(_host.Inbox.Records);
        Assert.Equal(GrainIds.Of<IHeartbeatGrain>("nightly-backup"), record.Recipient);
        Assert.Equal(InboxKinds.Heartbeat, record.Kind);
        var beat = OpsJson.Deserialize<HeartbeatBeat>(record.Payload.Span);
        Assert.Equal(new HeartbeatBeat("nightly-backup", "search", TimeSpan.FromSeconds(30), TestClock.Start, "127.0.0.1"), beat);
        Assert.Equal(30, (await IngestHost.ReadJsonAsync(response)).GetProperty("intervalSeconds").GetDouble());
    }

    [Fact]
    public async Task Without_an_interval_the_configured_default_applies()
    {
        using var response = await _host.Client.PostAsync("/api/v1/heartbeats/probe-eu", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var beat = OpsJson.Deserialize<HeartbeatBeat>(Assert.Single(_host.Inbox.Records).Payload.Span);
        Assert.Equal(TimeSpan.FromMinutes(2), beat.Interval);
        Assert.Null(beat.Product);
    }

    [Fact]
    public async Task An_interval_that_is_no_duration_is_answered_400_naming_it()
    {
        using var response = await _host.Client.PostAsync("/api/v1/heartbeats/probe-eu?interval=often", null);

        await ProblemAssert.NamesFieldAsync(response, "interval");
        Assert.Empty(_host.Inbox.Calls);
    }
}
