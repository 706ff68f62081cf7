using System.Net;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Gateway.Tests.Infrastructure;

namespace Ops.Gateway.Tests;

public sealed class GenericSignalEndpointTests : IAsyncLifetime
{
    private const string Path = "/api/v1/signals";
    private IngestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_signal_naming_a_product_alias_is_stored_for_that_product()
    {
        using var response = await _host.PostJsonAsync(Path, """{"product":"search-api","name":"SearchDown","severity":"critical"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(_host.Inbox.Records);
        Assert.Equal(GrainIds.Of<IProductGrain>("search"), record.Recipient);
        var signal = Assert.Single(_host.Inbox.Signals);
        Assert.Equal("search", signal.Product);
        Assert.Equal(SignalSources.Generic, signal.Source);
    }

    [Fact]
    public async Task An_outcome_feed_is_stored_with_its_range_and_derived_status()
    {
        using var response = await _host.PostJsonAsync(Path, """[{"product":"checkout","layer":"outcome","name":"Conversion","value":0.012,"expected":{"min":0.02,"max":0.05}}]""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var signal = Assert.Single(_host.Inbox.Signals);
        Assert.Equal((SignalLayer.Outcome, SignalStatus.Firing, 0.012, 0.02, 0.05), (signal.Layer, signal.Status, signal.Value!.Value, signal.ExpectedMin!.Value, signal.ExpectedMax!.Value));
    }

    [Fact]
    public async Task One_invalid_signal_stores_none_and_is_named()
    {
        using var response = await _host.PostJsonAsync(Path, """[{"name":"A","product":"search"},{"name":"B","layer":"business"}]""");

        var messages = await ProblemAssert.NamesFieldAsync(response, "[1].layer");
        Assert.Contains("\"outcome\"", messages[0], StringComparison.Ordinal);
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task A_signal_without_a_product_is_kept_as_unrouted()
    {
        using var response = await _host.PostJsonAsync(Path, """{"name":"Mystery"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(GrainIds.Of<IUnroutedSignalsGrain>("unrouted"), Assert.Single(_host.Inbox.Records).Recipient);
    }
}
